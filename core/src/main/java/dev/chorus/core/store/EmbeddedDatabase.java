package dev.chorus.core.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single node's database: one file in the data directory, through H2's MVStore — a transactional key-value
 * store, pure Java, made to be embedded, with no SQL layer we would not use. Every operation runs on one thread of
 * its own, off the event loops, which also keeps each room's ids and appends in order. Records are JSON.
 */
public final class EmbeddedDatabase implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);
    private static final String FILE_NAME = "chorus.mv.db";

    private final MVStore store;
    private final Path file;
    private final ObjectMapper mapper = new ObjectMapper();
    private final ExecutorService thread;

    private EmbeddedDatabase(MVStore store, Path file) {
        this.store = store;
        this.file = file;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "chorus-store");
            t.setDaemon(true);
            return t;
        });
    }

    /** Opens (or creates) the database in {@code dataDir}. */
    public static EmbeddedDatabase open(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + dataDir, e);
        }
        Path file = dataDir.resolve(FILE_NAME);
        MVStore store = new MVStore.Builder().fileName(file.toString()).compress().open();
        log.info("embedded store at {}", file.toAbsolutePath());
        return new EmbeddedDatabase(store, file.toAbsolutePath());
    }

    public <T> CompletableFuture<T> run(Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, thread);
    }

    public <K, V> MVMap<K, V> map(String name) {
        return store.openMap(name);
    }

    /** Makes what was written so far durable. On the store's thread. */
    public void commit() {
        store.commit();
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    public JsonNode parse(String text) {
        try {
            return mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt record in the embedded store", e);
        }
    }

    /** Finishes queued work, commits and closes the file. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("embedded store: queued work did not finish in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.close();
    }

    /** Its file, for the logs. */
    @Override
    public String toString() {
        return file.toString();
    }
}
