package dev.chorus.server.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.server.Node;
import dev.chorus.server.TestNodes;
import dev.chorus.server.config.Keys;
import java.net.http.HttpClient;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of request has its budget on a real node, with the default rates: history asked in a loop is refused
 * while the user's other requests go on; rooms are capped per connection and per user; direct messages go only to
 * users who exist.
 */
class RequestLimitsIT {
    private static final String PASSWORD = "a-good-password";

    @TempDir
    static Path data;
    private static Node node;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws InterruptedException {
        node = Node.start(TestNodes.settings(data)
                .with(Keys.REQUEST_RATE, Keys.REQUEST_RATE.defaultValue())
                .with(Keys.REQUEST_BURST, Keys.REQUEST_BURST.defaultValue())
                .with(Keys.MAX_ROOMS_PER_CONNECTION, 3)
                .with(Keys.MAX_ROOMS_PER_USER, 4));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static RawSocketIo connected(String user) throws Exception {
        String session = new AuthApi(http, node.port()).register(user, PASSWORD).session();
        RawSocketIo socket = RawSocketIo.open(http, node.port(), session);
        socket.send("40");
        assertThat(socket.next()).startsWith("40{");
        return socket;
    }

    /** Sends an event with an ack id and returns the ack's payload. */
    private static String ask(RawSocketIo socket, int id, String event) throws Exception {
        socket.send("42" + id + event);
        for (String packet = socket.next(); ; packet = socket.next()) {
            if (packet.startsWith("43" + id + "[")) {
                return packet.substring(("43" + id).length());
            }
        }
    }

    @Test
    void historyAskedInALoopIsRefusedAtItsBudgetWhileOtherRequestsGoOn() throws Exception {
        try (RawSocketIo flood = connected("looper")) {
            int refused = 0;
            for (int i = 0; i < 40; i++) {
                String answer = ask(flood, i, "[\"history\",{\"room\":\"lobby\"}]");
                refused += answer.contains("\"error\":\"rate limited\"") ? 1 : 0;
            }
            assertThat(refused).as("of 40 at once, the burst of 30 answered").isBetween(5, 10);
            assertThat(ask(flood, 100, "[\"join\",{\"room\":\"lobby\"}]")).as("another kind").contains("\"ok\":true");
            assertThat(ask(flood, 101, "[\"rooms\"]")).contains("\"name\":\"lobby\"");
        }
    }

    @Test
    void roomsAreCappedPerConnectionAndPerUser() throws Exception {
        try (RawSocketIo first = connected("roamer")) {
            for (int i = 0; i < 3; i++) {
                assertThat(ask(first, i, "[\"join\",{\"room\":\"r" + i + "\"}]")).contains("\"ok\":true");
            }
            assertThat(ask(first, 3, "[\"join\",{\"room\":\"r3\"}]"))
                    .contains("too many rooms: a connection may be in 3 at once");
            String session = new AuthApi(http, node.port()).login("roamer", PASSWORD, null).session();
            try (RawSocketIo second = RawSocketIo.open(http, node.port(), session)) {
                second.send("40");
                assertThat(second.next()).startsWith("40{");
                assertThat(ask(second, 0, "[\"join\",{\"room\":\"r3\"}]")).contains("\"ok\":true");
                assertThat(ask(second, 1, "[\"join\",{\"room\":\"r4\"}]"))
                        .contains("too many rooms: a user may be in 4 at once");
                assertThat(ask(second, 2, "[\"join\",{\"room\":\"r0\"}]")).as("one the user is in already")
                        .contains("\"ok\":true");
            }
        }
    }

    @Test
    void directMessagesGoOnlyToUsersWhoExist() throws Exception {
        try (RawSocketIo sender = connected("writer")) {
            new AuthApi(http, node.port()).register("reader", PASSWORD);
            assertThat(ask(sender, 0, "[\"dm\",{\"to\":\"nobody-here\",\"text\":\"hello?\"}]"))
                    .contains("no such user: nobody-here");
            assertThat(ask(sender, 1, "[\"dm\",{\"to\":\"reader\",\"text\":\"hello\"}]")).contains("\"id\"");
        }
    }
}
