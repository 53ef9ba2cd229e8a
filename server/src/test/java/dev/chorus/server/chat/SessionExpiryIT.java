package dev.chorus.server.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.server.Node;
import dev.chorus.server.TestNodes;
import dev.chorus.server.config.Keys;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A login session that expires ends its sockets, as a logout does: the socket does not outlive the login. */
class SessionExpiryIT {
    private static final Duration SESSION_MAX = Duration.ofSeconds(3);

    @TempDir
    static Path data;
    private static Node node;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws InterruptedException {
        node = Node.start(TestNodes.settings(data).with(Keys.SESSION_MAX, SESSION_MAX));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void aSocketIsDisconnectedWhenItsSessionExpiresAndCannotComeBack() throws Exception {
        AuthApi api = new AuthApi(http, node.port());
        long loggedInBy = System.nanoTime();
        String session = api.register("expiring", "a-good-password").session();
        try (RawSocketIo socket = RawSocketIo.open(http, node.port(), session)) {
            socket.send("40");
            assertThat(socket.next()).startsWith("40{");

            assertThat(socket.next()).as("the server ends the socket").isEqualTo("41");
            assertThat(Duration.ofNanos(System.nanoTime() - loggedInBy))
                    .as("not before the session's end, within a check of it")
                    .isGreaterThanOrEqualTo(SESSION_MAX).isLessThan(SESSION_MAX.plusSeconds(3));
        }
        try (RawSocketIo again = RawSocketIo.open(http, node.port(), session)) {
            again.send("40");
            assertThat(again.next()).as("the expired session lets no socket in").startsWith("44{");
        }
        assertThat(api.me(session).status()).isEqualTo(401);
    }
}
