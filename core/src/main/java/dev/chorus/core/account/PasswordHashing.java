package dev.chorus.core.account;

import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;

/**
 * Where passwords are hashed: Argon2id takes tens of milliseconds of CPU on purpose, SCRAM's PBKDF2 a few, which must
 * never land on an event loop, and a flood of them must not queue without bound. At most {@code capacity} hashes wait
 * or run at once, and registrations may fill only half of that, so a flood of them leaves room for logins. Past it
 * the work is refused at once with {@link HashingBusyException}: the client hears "come back" instead of waiting
 * behind seconds of queue.
 */
public final class PasswordHashing implements AutoCloseable {
    /** Hashes that may wait or run per hashing thread. */
    private static final int CAPACITY_PER_THREAD = 16;

    public enum Purpose { LOGIN, REGISTRATION }

    /** A new password as an account keeps it. */
    public record Hashed(String hash, Map<ScramAlgorithm, ScramCredential> scram) {
    }

    private final Argon2PasswordEncoder encoder = Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8();
    private final SecureRandom random = new SecureRandom();
    private final ExecutorService pool;
    private final int capacity;
    private final AtomicInteger admitted = new AtomicInteger();

    public PasswordHashing(int threads, int capacity) {
        this.pool = Executors.newFixedThreadPool(threads, work -> {
            Thread thread = new Thread(work, "chorus-password-hash");
            thread.setDaemon(true);
            return thread;
        });
        this.capacity = capacity;
    }

    /** Half the cores hash: logins never take the whole machine from the chat. */
    public static PasswordHashing forThisMachine() {
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        return new PasswordHashing(threads, threads * CAPACITY_PER_THREAD);
    }

    /** Hashes waiting or running now. */
    public int inFlight() {
        return admitted.get();
    }

    public CompletableFuture<String> hash(String password, Purpose purpose) {
        return run(() -> encoder.encode(password), purpose);
    }

    /** The Argon2id hash and the SCRAM credentials in one task: a busy pool refuses both or neither. */
    public CompletableFuture<Hashed> hashWithScram(String password, Purpose purpose) {
        return run(() -> new Hashed(encoder.encode(password), ScramCredential.createAll(password, random)), purpose);
    }

    /** SCRAM credentials for a password that is already hashed, each with a fresh salt. */
    public CompletableFuture<Map<ScramAlgorithm, ScramCredential>> scram(String password, Purpose purpose) {
        return run(() -> ScramCredential.createAll(password, random), purpose);
    }

    public CompletableFuture<Boolean> matches(String password, String hash, Purpose purpose) {
        return run(() -> encoder.matches(password, hash), purpose);
    }

    private <T> CompletableFuture<T> run(Supplier<T> work, Purpose purpose) {
        int limit = purpose == Purpose.LOGIN ? capacity : capacity / 2;
        if (admitted.incrementAndGet() > limit) {
            admitted.decrementAndGet();
            return CompletableFuture.failedFuture(new HashingBusyException());
        }
        try {
            return CompletableFuture.supplyAsync(work, pool).whenComplete((done, error) -> admitted.decrementAndGet());
        } catch (RejectedExecutionException e) {
            admitted.decrementAndGet();
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
