package dev.chorus.server.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chorus.cluster.testsupport.RedisServer;
import dev.chorus.server.cluster.NodeProcess;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node dies without a goodbye: its users stay in their rooms for the others through the presence grace. One who
 * comes back on another node within it — even after the node was found dead — never seems to have left; one who
 * does not leaves when it ends.
 */
class PresenceGraceIT {
    private static final Duration GRACE = Duration.ofSeconds(6);

    @TempDir
    Path dir;

    @Test
    void aDeadNodesUserWhoComesBackWithinTheGraceNeverLeavesTheRoom() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        OkHttpClient okHttp = new OkHttpClient();
        List<ChatClient> clients = new ArrayList<>();
        String grace = Long.toString(GRACE.toSeconds());
        try (RedisServer redis = RedisServer.start();
                NodeProcess survivor = NodeProcess.start(dir.resolve("survivor"), redis.url(), "--presence-grace", grace);
                NodeProcess victim = NodeProcess.start(dir.resolve("victim"), redis.url(), "--presence-grace", grace)) {
            ChatClient watcher = connect(okHttp, survivor, new AuthApi(http, survivor.port()).guestLogin("olive"),
                    clients);
            BlockingQueue<JsonNode> presence = new LinkedBlockingQueue<>();
            watcher.on("presence", args -> presence.add(ChatClient.json(args[0])));
            watcher.call("join", Map.of("room", "lounge", "presence", true));
            AuthApi.Reply ann = new AuthApi(http, victim.port()).guestLogin("ann");
            for (AuthApi.Reply login : List.of(ann, new AuthApi(http, victim.port()).guestLogin("bert"))) {
                connect(okHttp, victim, login, clients).call("join", Map.of("room", "lounge"));
                assertThat(presence.poll(10, TimeUnit.SECONDS)).as("online").isNotNull();
            }

            victim.kill();
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> ClusterScaleIT.clusterSize(http, survivor) == 1);
            long foundDead = System.nanoTime();
            // Ann's session lives in Redis: she comes back on the survivor, as her client would.
            connect(okHttp, survivor, ann, clients).call("join", Map.of("room", "lounge"));

            JsonNode left = presence.poll(GRACE.toSeconds() + 10, TimeUnit.SECONDS);
            assertThat(left).as("bert, who did not come back, leaves").isNotNull();
            assertThat(left.path("user").asText()).isEqualTo("bert");
            assertThat(left.path("status").asText()).isEqualTo("offline");
            assertThat(Duration.ofNanos(System.nanoTime() - foundDead)).as("when the grace ends")
                    .isGreaterThan(GRACE.minusSeconds(2));
            assertThat(presence.poll(1, TimeUnit.SECONDS)).as("nothing of ann: to the others she never left").isNull();
            JsonNode rooms = watcher.call("rooms", Map.of()).path("rooms");
            assertThat(rooms.get(0).path("members").asInt()).as("olive and ann").isEqualTo(2);
        } finally {
            clients.forEach(ChatClient::close);
            okHttp.dispatcher().executorService().shutdown();
        }
    }

    private static ChatClient connect(OkHttpClient okHttp, NodeProcess node, AuthApi.Reply login,
            List<ChatClient> clients) throws Exception {
        ChatClient client = ChatClient.connect(okHttp, node.port(), login.session()).get(20, TimeUnit.SECONDS);
        clients.add(client);
        return client;
    }
}
