package dev.chorus.server.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official Node client ({@code socket.io-client} 4.8, pinned in {@code src/test/node/package-lock.json})
 * against a Chorus server in this JVM. Each test runs one scenario of {@code compat.js} and checks what the client
 * saw; the scenarios are described there and in {@link CompatServer}.
 */
class NodeClientCompatIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static NettyLeaks leaks;
    private static CompatServer server;
    private static NodeClient node;

    @BeforeAll
    static void start() throws InterruptedException {
        leaks = new NettyLeaks();
        node = new NodeClient();
        server = CompatServer.start();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (server != null) {
            server.close();
        }
        leaks.assertNoLeaks();
    }

    private static JsonNode run(String scenario) {
        return node.run(scenario, server.port()).succeeded();
    }

    @ParameterizedTest(name = "{0} only")
    @ValueSource(strings = {"websocket", "polling"})
    void connectsEmitsAndReceivesOverOneTransport(String transport) {
        JsonNode result = run(transport + "-only");

        JsonNode welcome = result.get("welcome");
        assertThat(welcome.get("id").asText()).isEqualTo(result.get("clientId").asText()).hasSize(20);
        assertThat(welcome.get("transport").asText()).as("transport the server saw").isEqualTo(transport);
        assertThat(welcome.get("auth")).isEqualTo(json("{'user':'basic'}"));
        assertThat(result.get("echoAck")).isEqualTo(json("['hello',{'n':1,'nested':{'list':[1,2,3]}},null,true]"));
        assertThat(result.get("echoEvent")).isEqualTo(json("['ping',7]"));
        assertThat(result.get("pings").asInt()).as("server pings, 1.5 s idle included").isGreaterThanOrEqualTo(2);
        assertThat(result.get("disconnects")).as("disconnections while idle").isEmpty();
        assertThat(result.get("ackAfterIdle")).isEqualTo(json("['still here']"));
        assertThat(result.get("transport").asText()).as("transport the client ended on").isEqualTo(transport);
    }

    @Test
    void upgradesToWebSocketUnderTrafficWithoutLosingOrReordering() {
        JsonNode result = run("upgrade-under-traffic");

        assertThat(ints(result.get("downs"))).as("server echoes of the client's stream")
                .containsExactlyElementsOf(sequence(400));
        assertThat(ints(result.get("ticks"))).as("the server's own stream").containsExactlyElementsOf(sequence(400));
        assertThat(result.get("badBinary")).as("echoes whose binary attachment was wrong").isEmpty();
        assertThat(result.get("transport").asText()).isEqualTo("websocket");
        // The upgrade happened in the middle of all three streams (the client opens its websocket once 20 of each
        // went through polling).
        for (String stream : List.of("sent", "downsOn", "ticksOn")) {
            assertThat(result.get(stream).get("polling").asInt()).as(stream + " over polling")
                    .isGreaterThanOrEqualTo(20);
            assertThat(result.get(stream).get("websocket").asInt()).as(stream + " over websocket").isPositive();
        }
    }

    @Test
    void acknowledgesBothWaysAndTimesOutOnTheServer() {
        JsonNode result = run("acks");

        assertThat(result.get("clientAck")).isEqualTo(json("['a',1,{'b':[2]}]"));
        assertThat(result.get("callbackAck")).isEqualTo(json("['cb']"));
        assertThat(result.get("serverAck")).as("server emitWithAck answered by the client")
                .isEqualTo(json("{'ok':true,'args':[{'answer':42},'extra'],'described':[{'answer':42},'extra']}"));
        JsonNode timeout = result.get("serverTimeout");
        assertThat(timeout.get("ok").asBoolean()).isFalse();
        assertThat(timeout.get("error").asText()).isEqualTo("AckTimeoutException");
        assertThat(result.get("serverTimeoutAfterMs").asLong()).isBetween(250L, 5000L);
    }

    @ParameterizedTest(name = "over {0}")
    @ValueSource(strings = {"websocket", "polling"})
    void carriesBinaryBothWays(String transport) {
        JsonNode result = run("binary-" + transport);

        ArrayNode sentBytes = MAPPER.createArrayNode();
        IntStream.range(0, 64).forEach(i -> sentBytes.add(255 - i));
        JsonNode sent = json("[{'$binary':[1,2,3]},"
                + "{'label':'nested','payload':{'$binary':[4,5,6]},'list':[{'$binary':[7]},'text',{'$binary':[]}]},"
                + "'plain',{'$binary':" + sentBytes + "}]");
        assertThat(result.get("serverDecoded")).as("arguments as the server decoded them").isEqualTo(sent);
        assertThat(result.get("ackEcho")).as("binary in an ack from the server").isEqualTo(sent);
        assertThat(result.get("eventEcho")).as("binary in an event from the server").isEqualTo(sent);
        JsonNode answer = json("[{'$binary':[9,8,7]},{'inner':{'$binary':[255,0]}}]");
        assertThat(result.get("serverAsked").get("described")).as("binary in the client's ack, server side")
                .isEqualTo(answer);
        assertThat(result.get("serverAsked").get("args")).as("the same, sent back").isEqualTo(answer);
        assertThat(result.get("transport").asText()).isEqualTo(transport);
    }

    @Test
    void connectsToNamespacesAndGetsRefusals() {
        JsonNode result = run("namespaces");

        assertThat(result.get("custom").get("nsp").asText()).isEqualTo("/custom");
        assertThat(result.get("customAck")).isEqualTo(json("['custom']"));
        assertThat(result.get("dynamic").get("nsp").asText()).as("namespace matched by a predicate")
                .isEqualTo("/dyn-42");
        assertThat(result.get("dynamicAck")).isEqualTo(json("['dynamic']"));
        assertThat(result.get("refused")).as("middleware refusal")
                .isEqualTo(json("{'message':'not allowed','data':{'reason':'token missing','code':4001},"
                        + "'connected':false}"));
        assertThat(result.get("allowed").get("nsp").asText()).isEqualTo("/private");
        assertThat(result.get("unknown").get("message").asText()).isEqualTo("Invalid namespace");
        assertThat(result.get("multiplexed"))
                .as("three namespaces over one connection")
                .isEqualTo(json("{'outcomes':['/','/custom','connect_error: not allowed'],'engines':1}"));
    }

    @Test
    void broadcastsToRoomsWithExceptions() {
        JsonNode received = run("rooms").get("received");

        // Rooms: alice a; bob a, b; carol a, c; dave c. Barriers separate the steps.
        assertThat(received.get("alice")).isEqualTo(json("[['news','a-except-b'],['barrier',1],['barrier',2],"
                + "['barrier',3],['news','a-or-c-except-b'],['barrier',4]]"));
        assertThat(received.get("bob")).isEqualTo(json("[['barrier',1],['room-msg','from-alice'],['barrier',2],"
                + "['barrier',3],['barrier',4]]"));
        assertThat(received.get("carol")).isEqualTo(json("[['news','a-except-b'],['barrier',1],"
                + "['room-msg','from-alice'],['barrier',2],['barrier',3],['news','a-or-c-except-b'],['barrier',4]]"));
        assertThat(received.get("dave")).isEqualTo(json("[['barrier',1],['barrier',2],['room-msg','from-carol'],"
                + "['barrier',3],['news','a-or-c-except-b'],['barrier',4]]"));
    }

    @ParameterizedTest(name = "over {0}")
    @ValueSource(strings = {"websocket", "polling"})
    void reconnectsByItselfAfterTheServerDropsTheTransport(String transport) {
        JsonNode result = run("reconnect-" + transport);

        assertThat(result.get("disconnect").get("reason").asText()).isEqualTo("transport close");
        assertThat(result.get("disconnect").get("active").asBoolean()).as("client will reconnect").isTrue();
        assertThat(result.get("attempts").asInt()).isPositive();
        assertThat(result.get("secondId").asText()).isNotEqualTo(result.get("firstId").asText());
        assertThat(result.get("second").get("id").asText()).isEqualTo(result.get("secondId").asText());
        assertThat(result.get("echoAfter")).isEqualTo(json("['again']"));
        assertThat(result.get("transport").asText()).isEqualTo(transport);
    }

    @ParameterizedTest(name = "over {0}")
    @ValueSource(strings = {"websocket", "polling"})
    void recoversTheConnectionStateWithEveryMissedEventOnce(String transport) {
        JsonNode result = run("recovery-" + transport);

        assertThat(result.get("disconnect").asText()).isEqualTo("transport close");
        assertThat(result.get("recovered").asBoolean()).isTrue();
        assertThat(result.get("secondId").asText()).as("same socket id").isEqualTo(result.get("firstId").asText());
        assertThat(result.get("second").get("recovered").asBoolean()).as("socket.recovered on the server").isTrue();
        assertThat(result.get("newsAtConnect").asInt()).as("missed news replayed before connect")
                .isGreaterThan(result.get("newsAtDisconnect").asInt());
        List<Integer> news = new ArrayList<>();
        result.get("news").forEach(event -> {
            news.add(event.get("n").asInt());
            assertThat(event.get("offset").asText()).as("offset passed to the listener").isEqualTo("string");
        });
        assertThat(news).as("every news once, in order").containsExactlyElementsOf(sequence(200));
        assertThat(result.get("notForMe")).as("broadcasts leaving room r out are not replayed").isEmpty();
        assertThat(result.get("transport").asText()).isEqualTo(transport);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"unknown-pid", "expired"})
    void refusesRecoveryAndConnectsAfresh(String how) {
        JsonNode result = run("recovery-" + how);

        assertThat(result.get("hadOffset").asBoolean()).as("the client did offer an offset").isTrue();
        assertThat(result.get("recovered").asBoolean()).isFalse();
        assertThat(result.get("second").get("recovered").asBoolean()).isFalse();
        assertThat(result.get("secondId").asText()).isNotEqualTo(result.get("firstId").asText());
        assertThat(ints(result.get("news"))).as("nothing missed is replayed to a fresh socket").containsExactly(0);
        assertThat(result.get("rooms")).as("the old rooms are not restored")
                .isEqualTo(json("['" + result.get("secondId").asText() + "']"));
    }

    @Test
    void closesAWebSocketThatSendsTooMuch() {
        JsonNode result = run("oversize-websocket");

        assertThat(result.get("smallAck").get(0).asText()).hasSize(100);
        assertThat(result.get("disconnect").get("reason").asText()).isEqualTo("transport close");
        assertThat(result.get("disconnect").get("closeCode").asInt()).as("close code: message too big")
                .isEqualTo(1009);
        assertThat(result.get("otherAck")).as("the node still serves others").isEqualTo(json("['still serving']"));
    }

    @Test
    void answersAnOversizePollingPostWith413() {
        JsonNode result = run("oversize-polling");

        assertThat(result.get("smallAck").get(0).asText()).hasSize(100);
        assertThat(result.get("disconnect").get("reason").asText()).isEqualTo("transport error");
        assertThat(result.get("disconnect").get("description").asInt()).as("HTTP status of the POST")
                .isEqualTo(413);
        assertThat(result.get("otherAck")).as("the node still serves others").isEqualTo(json("['still serving']"));
    }

    /** JSON written with single quotes, to keep the expectations readable. */
    private static JsonNode json(String singleQuoted) {
        try {
            return MAPPER.readTree(singleQuoted.replace('\'', '"'));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(singleQuoted, e);
        }
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asInt()));
        return values;
    }

    private static List<Integer> sequence(int count) {
        return IntStream.range(0, count).boxed().toList();
    }
}
