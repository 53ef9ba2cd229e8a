package dev.chorus.chat.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An operator's folder of static files ({@code --web-root}), a front end of their own served beside or instead of the
 * web chat. Held in memory like the web chat's files, and read again, off the event loops, soon after anything in
 * it changes, so a new build is served without a restart. Names starting with a dot ({@code .git}, {@code .env})
 * and symbolic links are never served: a folder is published as it is, and it should not publish more than it seems to.
 */
public final class WebRoot implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebRoot.class);
    private static final long MAX_FILE_BYTES = 16 << 20;
    private static final long MAX_TOTAL_BYTES = 256L << 20;

    /** What a file looked like when last read: a change to either means read it again. */
    private record Stamp(long size, long modifiedMillis) {
    }

    private final Path root;
    private final StaticFiles files;
    private final ScheduledExecutorService rescans;
    private Map<String, Stamp> listed;
    private String lastProblem;

    private WebRoot(Path root, Map<String, Stamp> listed, StaticFiles files) {
        this.root = root;
        this.listed = listed;
        this.files = files;
        this.rescans = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "chorus-web-root");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Reads the folder, and looks at it again every {@code rescan}.
     *
     * @throws IOException when the folder cannot be read
     */
    public static WebRoot open(Path root, Duration rescan) throws IOException {
        Path folder = root.toAbsolutePath().normalize();
        Map<String, Stamp> listed = list(folder);
        Map<String, byte[]> contents = read(folder, listed);
        WebRoot webRoot = new WebRoot(folder, listed, StaticFiles.operators(contents));
        log.info("web root {}: {} files served", folder, contents.size());
        webRoot.rescans.scheduleWithFixedDelay(webRoot::rescan, rescan.toMillis(), rescan.toMillis(),
                TimeUnit.MILLISECONDS);
        return webRoot;
    }

    public StaticFiles files() {
        return files;
    }

    private void rescan() {
        try {
            Map<String, Stamp> now = list(root);
            if (!now.equals(listed)) {
                Map<String, byte[]> contents = read(root, now);
                files.replace(contents);
                listed = now;
                log.info("web root {} changed: {} files served", root, contents.size());
            }
            lastProblem = null;
        } catch (IOException | UncheckedIOException e) {
            String problem = e.toString();
            if (!problem.equals(lastProblem)) {
                log.warn("web root {} cannot be read, serving what it held before: {}", root, problem);
                lastProblem = problem;
            }
        }
    }

    private static Map<String, Stamp> list(Path root) throws IOException {
        Map<String, Stamp> files = new TreeMap<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                return dir.equals(root) || !hidden(dir) ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                // walkFileTree does not follow links: a link's attributes say it is one, and it is left out.
                if (attributes.isRegularFile() && !hidden(file)) {
                    files.put("/" + root.relativize(file).toString().replace('\\', '/'),
                            new Stamp(attributes.size(), attributes.lastModifiedTime().toMillis()));
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return files;
    }

    private static boolean hidden(Path path) {
        return path.getFileName().toString().startsWith(".");
    }

    private static Map<String, byte[]> read(Path root, Map<String, Stamp> listed) throws IOException {
        Map<String, byte[]> contents = new HashMap<>();
        long total = 0;
        for (Map.Entry<String, Stamp> entry : listed.entrySet()) {
            long size = entry.getValue().size();
            if (size > MAX_FILE_BYTES) {
                log.warn("web root {}: {} is {} bytes, more than the {} served from memory: not served", root,
                        entry.getKey(), size, MAX_FILE_BYTES);
                continue;
            }
            if (total + size > MAX_TOTAL_BYTES) {
                log.warn("web root {}: more than {} bytes in all: {} and the files after it are not served", root,
                        MAX_TOTAL_BYTES, entry.getKey());
                break;
            }
            Path file = root.resolve(entry.getKey().substring(1));
            if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                byte[] content = Files.readAllBytes(file);
                contents.put(entry.getKey(), content);
                total += content.length;
            }
        }
        return contents;
    }

    @Override
    public void close() {
        rescans.shutdownNow();
    }
}
