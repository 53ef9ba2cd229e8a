package dev.chorus.xmppface;

import dev.chorus.core.account.Account;
import dev.chorus.core.account.Accounts;
import dev.chorus.core.account.HashingBusyException;
import dev.chorus.core.account.ScramAlgorithm;
import dev.chorus.core.limits.LoginThrottle;
import dev.chorus.xmpp.sasl.PlainMechanism;
import dev.chorus.xmpp.sasl.SaslAuthenticator;
import dev.chorus.xmpp.sasl.SaslFailure;
import dev.chorus.xmpp.sasl.SaslRefusedException;
import dev.chorus.xmpp.sasl.ScramCredential;
import dev.chorus.xmpp.sasl.ScramHash;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * XMPP logins are the web's: the same accounts, the same throttle counted before any check and given back on
 * success, and in guest mode the same rule (a free name, no password). SCRAM checks the credentials stored beside
 * the password hash; an account whose password this server has not seen since they were introduced has none yet,
 * and logs in with PLAIN (over TLS) or on the web once.
 */
public final class XmppAuthenticator implements SaslAuthenticator {
    private static final List<String> SCRAM = List.of(ScramHash.SHA_256.mechanism(), ScramHash.SHA_1.mechanism());
    private static final List<String> SCRAM_AND_PLAIN = List.of(ScramHash.SHA_256.mechanism(),
            ScramHash.SHA_1.mechanism(), PlainMechanism.NAME);
    private static final int DECOY_ITERATIONS = 4096;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Accounts accounts;
    private final LoginThrottle throttle;
    private final boolean guests;
    /** Keys this node's made-up credentials of unknown users, so that each looks the same at every attempt. */
    private final byte[] decoySecret = new byte[32];

    /** @param guests whether anyone may log in by a free name, without a password */
    public XmppAuthenticator(Accounts accounts, LoginThrottle throttle, boolean guests) {
        this.accounts = accounts;
        this.throttle = throttle;
        this.guests = guests;
        RANDOM.nextBytes(decoySecret);
    }

    @Override
    public List<String> mechanisms(boolean protectedStream) {
        if (guests) {
            // A guest has no password to prove, so nothing to protect but the name; PLAIN carries it.
            return List.of(PlainMechanism.NAME);
        }
        return protectedStream ? SCRAM_AND_PLAIN : SCRAM;
    }

    @Override
    public CompletableFuture<String> checkPassword(String username, String password, String client) {
        if (guests) {
            return accounts.guest(username).thenApply(guest -> guest.map(Account::username).orElse(null));
        }
        return throttled(username, client).thenCompose(ignored -> accounts.authenticate(username, password))
                .handle((account, error) -> {
                    if (error != null) {
                        throw refusal(error);
                    }
                    return account;
                })
                .thenCompose(account -> account.isEmpty() ? CompletableFuture.completedFuture(null)
                        : throttle.giveBack(username, client).thenApply(ignored -> account.get().username()));
    }

    @Override
    public CompletableFuture<ScramCredential> scramCredential(String username, ScramHash hash, String client) {
        if (guests) {
            return CompletableFuture.failedFuture(new SaslRefusedException(SaslFailure.INVALID_MECHANISM,
                    "guests have no password"));
        }
        ScramAlgorithm algorithm = hash == ScramHash.SHA_1 ? ScramAlgorithm.SHA_1 : ScramAlgorithm.SHA_256;
        return throttled(username, client).thenCompose(ignored -> accounts.find(username))
                .thenApply(found -> found.map(account -> account.scram().get(algorithm))
                        .map(stored -> new ScramCredential(stored.salt(), stored.iterations(), stored.storedKey(),
                                stored.serverKey()))
                        .orElseGet(() -> decoy(username, hash)));
    }

    @Override
    public CompletableFuture<String> scramFinished(String username, boolean proofMatched, String client) {
        if (!proofMatched) {
            return CompletableFuture.completedFuture(null);
        }
        return accounts.find(username).thenCompose(account -> throttle.giveBack(username, client)
                .thenApply(ignored -> account.map(Account::username).orElse(null)));
    }

    /** Counts the attempt before anything is checked; refused when the budget is spent. */
    private CompletableFuture<Void> throttled(String username, String client) {
        return throttle.beginLogin(username, client).thenAccept(waitMillis -> {
            if (waitMillis > 0) {
                throw new SaslRefusedException(SaslFailure.TEMPORARY_AUTH_FAILURE,
                        "too many failed logins; retry in " + Math.max(1, waitMillis / 1000) + " s");
            }
        });
    }

    private static RuntimeException refusal(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof SaslRefusedException refused) {
            return refused;
        }
        if (cause instanceof HashingBusyException) {
            return new SaslRefusedException(SaslFailure.TEMPORARY_AUTH_FAILURE, "the server is busy checking logins");
        }
        return cause instanceof RuntimeException runtime ? runtime : new CompletionException(cause);
    }

    /** Keys no password leads to, with a salt that depends on the name alone. */
    private ScramCredential decoy(String username, ScramHash hash) {
        byte[] seed = hmac(decoySecret, (hash.mechanism() + "\n" + username.toLowerCase(Locale.ROOT))
                .getBytes(StandardCharsets.UTF_8));
        byte[] unreachable = new byte[hash == ScramHash.SHA_1 ? 20 : 32];
        RANDOM.nextBytes(unreachable);
        return new ScramCredential(Arrays.copyOf(seed, 16), DECOY_ITERATIONS, unreachable, unreachable);
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has HmacSHA256", e);
        }
    }
}
