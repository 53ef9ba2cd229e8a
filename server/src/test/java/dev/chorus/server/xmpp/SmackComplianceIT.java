package dev.chorus.server.xmpp;

import static dev.chorus.server.xmpp.WebUsers.PASSWORD;
import static dev.chorus.server.xmpp.WebUsers.register;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.server.Node;
import dev.chorus.server.TestNodes;
import dev.chorus.server.config.Keys;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Smack's integration test framework (SINT), the XMPP compliance suite, against a node: over TCP with STARTTLS
 * required, with three accounts made on the web. Its version has no port setting, so the node takes 5222; it trusts
 * the node's certificate through the JVM's trust store. The specifications Chorus serves are run; the tests it
 * does not pass yet are listed, with their reasons, in docs/compatibility.md.
 */
class SmackComplianceIT {
    private static final String DOMAIN = SmackClients.DOMAIN;
    /** The specifications run, and the tests of them left out (docs/compatibility.md says why). */
    static final String SPECIFICATIONS = "RFC6121,XEP-0045,XEP-0199,XEP-0313";
    static final List<String> DISABLED = List.of(
            // Room moderation (roles, kicks, bans of occupants, voice), which a later issue gives both faces.
            "MultiUserChatRolesAffiliationsPrivilegesIntegrationTest", "ParticipantStatusIntegrationTest",
            "UserStatusIntegrationTest");
    /**
     * A test whose last wait races inside Smack (it waits for a listener to see the room's error presence, while
     * the join that got the error takes that listener away; the test calls the wait "not watertight"): it fails
     * about half the time whatever the server, after its assertions on the server passed. Its failing that way is
     * tolerated; XmppRoomsIT checks a full room itself.
     */
    static final String RACES_IN_SMACK = "MultiUserChatOccupantIntegrationTest.mucMaxUsersLimitJoinRoomTest";
    private static final Pattern FINISHED = Pattern.compile("finished: (\\d+)/(\\d+) \\[(\\d+) failed]");
    private static final Pattern FAILED = Pattern.compile("SEVERE: (\\w+\\.\\w+) \\(\\w+\\) Failed");

    @TempDir
    Path data;

    @Test
    void passesTheSuiteOnWhatChorusServes() throws Exception {
        try (Node node = Node.start(TestNodes.settings(data).with(Keys.XMPP_DOMAIN, DOMAIN)
                .with(Keys.XMPP_PORT, 5222))) {
            for (String account : List.of("sint-one", "sint-two", "sint-three")) {
                register(node.port(), account);
            }
            Path trustStore = trustStore(data.resolve("xmpp").resolve(DOMAIN + ".crt"));
            String output = sint(trustStore, "sint.log", "-Dsinttest.enabledSpecifications=" + SPECIFICATIONS,
                    "-Dsinttest.disabledTests=" + String.join(",", DISABLED));
            Matcher finished = FINISHED.matcher(output);
            assertThat(finished.find()).as("SINT's summary:\n%s", output).isTrue();
            assertThat(Integer.parseInt(finished.group(1))).as("tests run:\n%s", output).isPositive();
            List<String> failed = FAILED.matcher(output).results().map(result -> result.group(1)).toList();
            assertThat(failed).as("failed tests:\n%s", output).hasSize(Integer.parseInt(finished.group(3)));
            if (failed.isEmpty()) {
                return;
            }
            // A few of SINT's tests race inside Smack (a stanza of the previous test's clean-up reaching the next
            // test's listener): each failed test runs once more, alone, and must pass then.
            System.out.println("SINT: re-running once " + failed);
            String again = sint(trustStore, "sint-again.log", "-Dsinttest.enabledSpecifications=" + SPECIFICATIONS,
                    "-Dsinttest.enabledTests=" + String.join(",", failed));
            Matcher rerun = FINISHED.matcher(again);
            assertThat(rerun.find()).as("SINT's summary:\n%s", again).isTrue();
            List<String> failedTwice = FAILED.matcher(again).results().map(result -> result.group(1))
                    .filter(test -> !(test.equals(RACES_IN_SMACK) && again.contains(RACES_IN_SMACK
                            + " (Normal) failed: java.util.concurrent.TimeoutException")))
                    .toList();
            assertThat(failedTwice).as("failed twice:\n%s\nthe first time:\n%s", again, output).isEmpty();
            assertThat(Integer.parseInt(rerun.group(2))).as("re-run").isEqualTo(failed.size());
        }
    }

    /** Runs SINT against the node with the given settings; @return its output, when it finished within 5 minutes */
    private String sint(Path trustStore, String logName, String... settings) throws Exception {
        Path log = data.resolve(logName);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djavax.net.ssl.trustStore=" + trustStore, "-Djavax.net.ssl.trustStoreType=PKCS12",
                "-Djavax.net.ssl.trustStorePassword=changeit",
                "-Dsinttest.service=" + DOMAIN, "-Dsinttest.host=127.0.0.1",
                "-Dsinttest.securityMode=required", "-Dsinttest.enabledConnections=tcp",
                "-Dsinttest.dnsResolver=javax", "-Dsinttest.replyTimeout=5000"));
        command.addAll(List.of(settings));
        for (String[] account : new String[][] {{"One", "sint-one"}, {"Two", "sint-two"}, {"Three", "sint-three"}}) {
            command.add("-Dsinttest.account" + account[0] + "Username=" + account[1]);
            command.add("-Dsinttest.account" + account[0] + "Password=" + PASSWORD);
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"),
                "org.igniterealtime.smack.inttest.SmackIntegrationTestFramework"));
        Process sint = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean done = sint.waitFor(5, TimeUnit.MINUTES);
        if (!done) {
            sint.destroyForcibly();
        }
        String output = Files.readString(log);
        output.lines().filter(line -> line.contains("finished:") || line.endsWith("✔") || line.endsWith("✘")
                        || line.startsWith("SEVERE:") && line.contains(") failed: "))
                .forEach(System.out::println);
        assertThat(done).as("SINT within 5 minutes:\n%s", output).isTrue();
        return output;
    }

    private Path trustStore(Path certificate) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (InputStream in = Files.newInputStream(certificate)) {
            store.setCertificateEntry("chorus", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        Path file = data.resolve("sint-truststore.p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, "changeit".toCharArray());
        }
        return file;
    }
}
