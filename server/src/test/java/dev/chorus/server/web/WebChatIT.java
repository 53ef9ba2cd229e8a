package dev.chorus.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.server.Main;
import dev.chorus.server.Node;
import dev.chorus.server.TestNodes;
import dev.chorus.server.config.Keys;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web chat in a real browser: {@code webchat.js} drives headless Chromium (Debian's {@code /usr/bin/chromium},
 * installed by {@code scripts/install-test-deps}) through playwright-core against a node started here. Two users
 * register, meet in a room and talk; a reload keeps the session and the history; older history loads on scrolling
 * up; a dropped connection is recovered; user text stays text; logout ends it. Screenshots of each stage go to
 * {@code server/target/screenshots/}.
 */
class WebChatIT {
    private static final String RESULT_PREFIX = "WEBCHAT-RESULT ";
    /** The script gives up by itself after 90 s; this only guards against a hung node process. */
    private static final long PROCESS_TIMEOUT_SECONDS = 150;

    /** Short, so that the script can also come back too late to be recovered (RECOVERY_WINDOW_MS there). */
    private static final Duration RECOVERY_WINDOW = Duration.ofSeconds(4);

    @TempDir
    static Path data;
    private static Node node;

    private static final String ADMIN = "root";
    private static final String ADMIN_PASSWORD = "root-secret-123";

    @BeforeAll
    static void start() throws InterruptedException {
        // The admin account, made as an operator makes one: ./chorus user add root --admin, password on stdin.
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream((ADMIN_PASSWORD + "\n").getBytes(StandardCharsets.UTF_8)));
            assertThat(Main.commandLine().execute("user", "add", ADMIN, "--admin", "--data", data.toString()))
                    .isZero();
        } finally {
            System.setIn(stdin);
        }
        node = Node.start(TestNodes.settings(data)
                .with(Keys.HISTORY_SIZE, 1000)
                .with(Keys.RECOVERY_WINDOW, RECOVERY_WINDOW));
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void twoUsersChatInHeadlessChromium() throws IOException, InterruptedException {
        Path dir = Path.of(required("web.browser.dir"));
        Path screenshots = Path.of(required("web.screenshots.dir"));
        assertThat(dir.resolve("node_modules/playwright-core")).as("npm ci installed playwright-core").isDirectory();
        String chromium = System.getenv().getOrDefault("CHROMIUM_PATH", "/usr/bin/chromium");
        assertThat(Path.of(chromium)).as("Chromium (scripts/install-test-deps installs it)").isExecutable();

        Path out = Files.createTempFile(data, "webchat", ".out");
        Path err = Files.createTempFile(data, "webchat", ".err");
        Process process = new ProcessBuilder("node", "webchat.js", Integer.toString(node.port()),
                screenshots.toString(), ADMIN, ADMIN_PASSWORD)
                .directory(dir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        boolean ended = process.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!ended) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        String report = "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        assertThat(ended).as("the browser script ended within %d s%s", PROCESS_TIMEOUT_SECONDS, report).isTrue();
        assertThat(process.exitValue()).as("the browser script's exit code%s", report).isZero();
        assertThat(stdout).as("the browser script's result%s", report).contains(RESULT_PREFIX);
        assertThat(screenshots.resolve("04-chat-alice.png")).isRegularFile();
        assertThat(screenshots.resolve("09-admin.png")).isRegularFile();
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalStateException("system property " + property + " is not set: run through mvn verify");
        }
        return value;
    }
}
