package dev.chorus.cluster.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chorus.cluster.testsupport.RedisServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What the Redis URL can say: password, database number, TLS. */
class RedisBackboneTest {
    @Test
    void aPasswordAndADatabaseNumberComeFromTheUrl() throws Exception {
        try (RedisServer redis = RedisServer.startWithPassword("s3cret")) {
            try (RedisBackbone backbone = RedisBackbone.connect("redis://:s3cret@127.0.0.1:" + redis.port() + "/3")) {
                backbone.strings().set("k", "in three").get(5, TimeUnit.SECONDS);
                assertThat(backbone.describe()).isEqualTo("redis://127.0.0.1:" + redis.port() + "/3")
                        .as("no password in what is logged").doesNotContain("s3cret");
            }
            try (RedisBackbone zero = RedisBackbone.connect("redis://:s3cret@127.0.0.1:" + redis.port() + "/0");
                    RedisBackbone three = RedisBackbone.connect("redis://:s3cret@127.0.0.1:" + redis.port() + "/3")) {
                assertThat(zero.strings().get("k").get(5, TimeUnit.SECONDS)).isNull();
                assertThat(three.strings().get("k").get(5, TimeUnit.SECONDS)).isEqualTo("in three");
            }
            assertThatThrownBy(() -> RedisBackbone.connect("redis://:wrong@127.0.0.1:" + redis.port()).close())
                    .hasStackTraceContaining("WRONGPASS");
        }
    }

    /** Commands issued together reach Redis in few writes, not one each: its reads counted. */
    @Test
    void commandsIssuedTogetherGoOutTogether() throws Exception {
        try (RedisServer redis = RedisServer.start();
                RedisBackbone backbone = RedisBackbone.connect(redis.url())) {
            long before = readsProcessed(backbone);
            List<CompletableFuture<String>> sets = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                sets.add(backbone.strings().set("key-" + i, "value").toCompletableFuture());
            }
            CompletableFuture.allOf(sets.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            long reads = readsProcessed(backbone) - before - 1;
            assertThat(reads).as("reads Redis needed for 500 commands").isLessThan(100);
        }
    }

    private static long readsProcessed(RedisBackbone backbone) throws Exception {
        String stats = backbone.strings().info("stats").get(5, TimeUnit.SECONDS);
        return stats.lines().filter(line -> line.startsWith("total_reads_processed:"))
                .mapToLong(line -> Long.parseLong(line.substring(line.indexOf(':') + 1).trim())).findFirst()
                .orElseThrow();
    }

    @Test
    void tlsWithRediss() throws Exception {
        try (RedisServer redis = RedisServer.startWithTls();
                RedisBackbone backbone = RedisBackbone.connect(
                        "rediss://127.0.0.1:" + redis.port() + "?verifyPeer=NONE")) {
            assertThat(backbone.strings().ping().get(5, TimeUnit.SECONDS)).isEqualTo("PONG");
            assertThat(backbone.describe()).startsWith("rediss://");
        }
    }
}
