package dev.chorus.xmppface;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chorus.core.account.Accounts;
import dev.chorus.core.account.EmbeddedAccountStore;
import dev.chorus.core.account.PasswordHashing;
import dev.chorus.core.account.ScramAlgorithm;
import dev.chorus.core.limits.EmbeddedBudgets;
import dev.chorus.core.limits.LoginThrottle;
import dev.chorus.core.store.EmbeddedDatabase;
import dev.chorus.xmpp.sasl.SaslFailure;
import dev.chorus.xmpp.sasl.SaslRefusedException;
import dev.chorus.xmpp.sasl.ScramCredential;
import dev.chorus.xmpp.sasl.ScramHash;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** XMPP logins go through the web's accounts and throttle. */
class XmppAuthenticatorTest {
    private static final String PASSWORD = "correct horse";

    @TempDir
    Path dataDir;
    private EmbeddedDatabase db;
    private PasswordHashing hashing;
    private Accounts accounts;
    private LoginThrottle throttle;

    @BeforeEach
    void open() throws Exception {
        db = EmbeddedDatabase.open(dataDir);
        hashing = new PasswordHashing(1, 8);
        accounts = new Accounts(new EmbeddedAccountStore(db), hashing, Clock.systemUTC());
        throttle = new LoginThrottle(new EmbeddedBudgets(Clock.systemUTC()), new LoginThrottle.Limits(3, 100, 100, 100));
        accounts.register("Alice", PASSWORD, false).get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void close() {
        hashing.close();
        db.close();
    }

    @Test
    void offersPlainOnlyWhereNoOneReadsAlong() {
        XmppAuthenticator authenticator = new XmppAuthenticator(accounts, throttle, false);

        assertThat(authenticator.mechanisms(false)).containsExactly("SCRAM-SHA-256", "SCRAM-SHA-1");
        assertThat(authenticator.mechanisms(true)).containsExactly("SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN");
    }

    @Test
    void checksPasswordsAsTheWebDoesAndGivesTheAccountsSpelling() throws Exception {
        XmppAuthenticator authenticator = new XmppAuthenticator(accounts, throttle, false);

        assertThat(authenticator.checkPassword("alice", PASSWORD, "192.0.2.1").get()).isEqualTo("Alice");
        assertThat(authenticator.checkPassword("alice", "wrong", "192.0.2.1").get()).isNull();
        assertThat(authenticator.checkPassword("nobody", PASSWORD, "192.0.2.1").get()).isNull();
    }

    @Test
    void failuresAreThrottledWithTheWebsBudgets() throws Exception {
        XmppAuthenticator authenticator = new XmppAuthenticator(accounts, throttle, false);
        for (int i = 0; i < 3; i++) {
            assertThat(authenticator.checkPassword("alice", "wrong", "192.0.2.1").get()).isNull();
        }

        assertThatThrownBy(() -> authenticator.checkPassword("alice", PASSWORD, "192.0.2.1").get())
                .isInstanceOf(ExecutionException.class).cause().isInstanceOfSatisfying(SaslRefusedException.class,
                        refused -> assertThat(refused.failure()).isEqualTo(SaslFailure.TEMPORARY_AUTH_FAILURE));
        assertThatThrownBy(() -> authenticator.scramCredential("alice", ScramHash.SHA_1, "192.0.2.1").get())
                .cause().isInstanceOf(SaslRefusedException.class);
        assertThat(throttle.beginLogin("alice", "192.0.2.1").get()).isPositive();
        assertThat(authenticator.checkPassword("alice", PASSWORD, "198.51.100.7").get()).isEqualTo("Alice");
    }

    @Test
    void scramChecksTheCredentialsStoredWithTheAccount() throws Exception {
        XmppAuthenticator authenticator = new XmppAuthenticator(accounts, throttle, false);
        dev.chorus.core.account.ScramCredential stored = accounts.find("alice").get().orElseThrow().scram()
                .get(ScramAlgorithm.SHA_256);

        ScramCredential credential = authenticator.scramCredential("alice", ScramHash.SHA_256, "192.0.2.1").get();

        assertThat(credential.salt()).isEqualTo(stored.salt());
        assertThat(credential.iterations()).isEqualTo(stored.iterations());
        assertThat(credential.storedKey()).isEqualTo(stored.storedKey());
        assertThat(credential.serverKey()).isEqualTo(stored.serverKey());
        assertThat(authenticator.scramFinished("alice", true, "192.0.2.1").get()).isEqualTo("Alice");
        assertThat(authenticator.scramFinished("alice", false, "192.0.2.1").get()).isNull();
    }

    @Test
    void anUnknownUserGetsTheSameMadeUpSaltEachTime() throws Exception {
        XmppAuthenticator authenticator = new XmppAuthenticator(accounts, throttle, false);

        ScramCredential first = authenticator.scramCredential("mallory", ScramHash.SHA_1, "192.0.2.1").get();
        ScramCredential second = authenticator.scramCredential("mallory", ScramHash.SHA_1, "192.0.2.2").get();

        assertThat(first.salt()).hasSize(16).isEqualTo(second.salt());
        assertThat(first.iterations()).isEqualTo(4096);
        assertThat(authenticator.scramCredential("trudy", ScramHash.SHA_1, "192.0.2.1").get().salt())
                .isNotEqualTo(first.salt());
    }

    @Test
    void guestsLogInByAFreeNameAndNeverAsAnAccount() throws Exception {
        XmppAuthenticator authenticator = new XmppAuthenticator(accounts, throttle, true);

        assertThat(authenticator.mechanisms(false)).containsExactly("PLAIN");
        assertThat(authenticator.checkPassword("visitor", "", "192.0.2.1").get()).isEqualTo("visitor");
        assertThat(authenticator.checkPassword("alice", "anything", "192.0.2.1").get()).isNull();
    }
}
