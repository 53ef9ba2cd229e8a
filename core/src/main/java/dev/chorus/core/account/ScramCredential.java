package dev.chorus.core.account;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * What the server keeps to check a SCRAM login (RFC 5802 §3): enough to verify a client's proof and prove itself in
 * return, not enough to log in as the user. It cannot be had from the Argon2id hash, so it is made whenever the
 * password itself is at hand. The arrays are copied in and out: a credential is a value.
 */
public record ScramCredential(ScramAlgorithm algorithm, byte[] salt, int iterations, byte[] storedKey,
        byte[] serverKey) {
    /** RFC 7677's minimum: the client computes the same PBKDF2 at each login, so more would cost every phone too. */
    public static final int DEFAULT_ITERATIONS = 4096;
    private static final int SALT_LENGTH = 16;
    private static final byte[] CLIENT_KEY = "Client Key".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SERVER_KEY = "Server Key".getBytes(StandardCharsets.US_ASCII);

    public ScramCredential {
        Objects.requireNonNull(algorithm, "algorithm");
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be positive: " + iterations);
        }
        salt = salt.clone();
        storedKey = storedKey.clone();
        serverKey = serverKey.clone();
    }

    /** A credential for a new password, with a fresh salt. */
    public static ScramCredential create(ScramAlgorithm algorithm, String password, SecureRandom random) {
        byte[] salt = new byte[SALT_LENGTH];
        random.nextBytes(salt);
        return derive(algorithm, password, salt, DEFAULT_ITERATIONS);
    }

    /** One credential per algorithm, each with a salt of its own. */
    public static Map<ScramAlgorithm, ScramCredential> createAll(String password, SecureRandom random) {
        Map<ScramAlgorithm, ScramCredential> all = new EnumMap<>(ScramAlgorithm.class);
        for (ScramAlgorithm algorithm : ScramAlgorithm.values()) {
            all.put(algorithm, create(algorithm, password, random));
        }
        return all;
    }

    /**
     * The credential a password makes with this salt and count. SCRAM hashes the password SASLprep'd (RFC 4013),
     * which the JDK does not offer. NFKC is SASLprep's normalisation step and already turns the odd spaces into
     * plain ones; the rest of it drops a few invisible characters and refuses control characters, which nobody types
     * into a password field, so a client doing the whole of SASLprep hashes the same bytes.
     */
    public static ScramCredential derive(ScramAlgorithm algorithm, String password, byte[] salt, int iterations) {
        byte[] saltedPassword = algorithm.hi(Normalizer.normalize(password, Normalizer.Form.NFKC), salt, iterations);
        byte[] clientKey = algorithm.hmac(saltedPassword, CLIENT_KEY);
        byte[] serverKey = algorithm.hmac(saltedPassword, SERVER_KEY);
        return new ScramCredential(algorithm, salt, iterations, algorithm.hash(clientKey), serverKey);
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public byte[] storedKey() {
        return storedKey.clone();
    }

    @Override
    public byte[] serverKey() {
        return serverKey.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ScramCredential that
                && algorithm == that.algorithm
                && iterations == that.iterations
                && Arrays.equals(salt, that.salt)
                && Arrays.equals(storedKey, that.storedKey)
                && Arrays.equals(serverKey, that.serverKey);
    }

    @Override
    public int hashCode() {
        return Objects.hash(algorithm, iterations, Arrays.hashCode(salt), Arrays.hashCode(storedKey),
                Arrays.hashCode(serverKey));
    }

    /** Without the keys: a credential in a log is as good as the password against an offline guess. */
    @Override
    public String toString() {
        return "ScramCredential[algorithm=" + algorithm + ", iterations=" + iterations + "]";
    }
}
