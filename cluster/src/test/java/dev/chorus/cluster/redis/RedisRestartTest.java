package dev.chorus.cluster.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.cluster.testsupport.RedisServer;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Redis restarting is ordinary: commands issued while it is down, while it reads its append-only file back
 * ({@code LOADING}), or in flight when it went, all complete once it is back, in the order they were issued. Without
 * the hold while Redis loads, hundreds of them fail with {@code LOADING}.
 */
class RedisRestartTest {
    private static final int SENDS = 1500;

    @Test
    void commandsIssuedAcrossARestartAndItsLoadingAllCompleteInOrder() throws Exception {
        try (RedisServer redis = RedisServer.startWith("--enable-debug-command", "yes");
                RedisBackbone backbone = RedisBackbone.connect(redis.url())) {
            fillSoThatLoadingTakesAWhile(backbone);
            LuaScript increment = new LuaScript(backbone.strings(), "return redis.call('INCR', KEYS[1])");
            Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
            List<CompletableFuture<?>> issued = new ArrayList<>();
            Thread restart = new Thread(() -> {
                sleep(500);
                redis.stop();
                sleep(800);
                redis.startProcess();
            });
            restart.start();
            for (int n = 1; n <= SENDS; n++) {
                issued.add(counted(increment.run(ScriptOutputType.INTEGER, new String[] {"counter"}), failures));
                issued.add(counted(backbone.strings().rpush("order", Integer.toString(n)).toCompletableFuture(),
                        failures));
                Thread.sleep(2);
            }
            restart.join();
            CompletableFuture.allOf(issued.toArray(CompletableFuture[]::new)).handle((done, error) -> null)
                    .get(30, TimeUnit.SECONDS);

            assertThat(failures).as("commands that failed").isEmpty();
            // A command in flight when Redis went down may have run before its answer was lost, and is sent again
            // (at least once); the chat's client keys make a message sent twice one message.
            long counter = Long.parseLong(backbone.strings().get("counter").get(5, TimeUnit.SECONDS));
            assertThat(counter).isBetween((long) SENDS, SENDS + 10L);
            List<Integer> order = backbone.strings().lrange("order", 0, -1).get(5, TimeUnit.SECONDS).stream()
                    .map(Integer::parseInt).toList();
            assertThat(order).as("none lost").containsAll(IntStream.rangeClosed(1, SENDS).boxed().toList());
            int outOfPlace = 0;
            for (int i = 1; i < order.size(); i++) {
                if (order.get(i) < order.get(i - 1)) {
                    outOfPlace++;
                }
            }
            assertThat(outOfPlace).as("in the order issued, but the command the connection broke under")
                    .isLessThanOrEqualTo(1);
        }
    }

    /** Three million keys, rewritten into the append-only file: a restart then reads for about a second. */
    private static void fillSoThatLoadingTakesAWhile(RedisBackbone backbone) throws Exception {
        backbone.strings().dispatch(CommandType.DEBUG, new StatusOutput<>(StringCodec.UTF8),
                new CommandArgs<>(StringCodec.UTF8).add("POPULATE").add(3_000_000)).get(60, TimeUnit.SECONDS);
        backbone.strings().bgrewriteaof().get(5, TimeUnit.SECONDS);
        Awaitility.await().atMost(60, TimeUnit.SECONDS).pollInterval(100, TimeUnit.MILLISECONDS).until(() ->
                backbone.strings().info("persistence").get(5, TimeUnit.SECONDS)
                        .contains("aof_rewrite_in_progress:0"));
    }

    private static CompletableFuture<?> counted(CompletableFuture<?> command, Map<String, AtomicLong> failures) {
        return command.whenComplete((result, error) -> {
            if (error != null) {
                failures.computeIfAbsent(error.toString(), key -> new AtomicLong()).incrementAndGet();
            }
        });
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
