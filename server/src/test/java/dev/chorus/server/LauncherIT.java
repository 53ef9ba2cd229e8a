package dev.chorus.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher makes a class data sharing archive once per build, from a node it starts and exercises
 * ({@code chorus warm-up}), and starts every JVM with it.
 */
class LauncherIT {
    @TempDir
    Path dir;

    @Test
    void theLauncherMakesTheClassArchiveOnceAndStartsWithIt() throws Exception {
        Path archive = dir.resolve("chorus.jsa");
        Run first = chorus(archive, Map.of(), "--version");
        assertThat(first.exit()).as(first.output()).isZero();
        assertThat(first.output()).contains("preparing the class archive").doesNotContain("no class archive");
        assertThat(archive).isRegularFile();
        assertThat(Files.size(archive)).as("the node's classes are in it").isGreaterThan(10_000_000L);

        // -Xshare:on: the JVM refuses to start unless it maps the archive.
        Run second = chorus(archive, Map.of("CHORUS_JAVA_OPTS", "-Xshare:on"), "--version");
        assertThat(second.exit()).as(second.output()).isZero();
        assertThat(second.output()).contains("chorus").doesNotContain("preparing the class archive");

        Run config = chorus(archive, Map.of("CHORUS_CDS", "on"), "config");
        assertThat(config.exit()).as("the launcher's variables are not taken for settings: %s", config.output())
                .isZero();
    }

    @Test
    void onAMachineOfUpToFourCoresTheNodeKeepsItsHeapSmallUnlessToldToLeaveItToTheJvm() throws Exception {
        Path archive = dir.resolve("chorus.jsa");
        boolean small = Runtime.getRuntime().availableProcessors() <= 4;

        Run chosen = chorus(archive, Map.of("CHORUS_JAVA_OPTS", "-XX:+PrintFlagsFinal"), "--version");
        assertThat(chosen.exit()).as(chosen.output()).isZero();
        assertThat(flag(chosen.output(), "UseSerialGC")).isEqualTo(small);
        assertThat(flag(chosen.output(), "MaxHeapFreeRatio")).isEqualTo(small ? "20" : "70");

        Run jvm = chorus(archive, Map.of("CHORUS_MEMORY", "jvm", "CHORUS_JAVA_OPTS", "-XX:+PrintFlagsFinal"),
                "--version");
        assertThat(jvm.exit()).as(jvm.output()).isZero();
        assertThat(flag(jvm.output(), "MaxHeapFreeRatio")).isEqualTo("70");
    }

    /** A flag's value as -XX:+PrintFlagsFinal prints it: a boolean, or the value's text. */
    private static Object flag(String flags, String name) {
        String value = flags.lines().filter(line -> line.trim().split("\\s+").length > 3
                && line.trim().split("\\s+")[1].equals(name)).findFirst().orElseThrow().trim().split("\\s+")[3];
        return value.equals("true") || value.equals("false") ? Boolean.valueOf(value) : value;
    }

    private record Run(int exit, String output) {
    }

    private Run chorus(Path archive, Map<String, String> environment, String... args)
            throws IOException, InterruptedException {
        Path root = Path.of(System.getProperty("chorus.root", ".."));
        List<String> command = new java.util.ArrayList<>(List.of("bash", root.resolve("chorus").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // The build running this test has built the jars: the launcher must not start a build of its own.
        builder.environment().put("CHORUS_NO_BUILD", "1");
        builder.environment().put("CHORUS_CDS_ARCHIVE", archive.toString());
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), output);
    }
}
