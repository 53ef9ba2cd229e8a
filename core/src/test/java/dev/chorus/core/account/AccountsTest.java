package dev.chorus.core.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chorus.core.account.PasswordHashing.Purpose;
import dev.chorus.core.store.EmbeddedDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Registration, login and guest names against the real embedded store. Each hash costs tens of milliseconds. */
class AccountsTest {
    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
    private static final String PASSWORD = "correct horse";

    @TempDir
    Path dataDir;
    private EmbeddedDatabase db;
    private PasswordHashing hashing;
    private Accounts accounts;

    @BeforeEach
    void open() {
        db = EmbeddedDatabase.open(dataDir);
        hashing = new PasswordHashing(1, 8);
        accounts = new Accounts(new EmbeddedAccountStore(db), hashing, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterEach
    void close() {
        hashing.close();
        db.close();
    }

    @Test
    void registersAnAccountWithAnArgon2idHashNotThePassword() throws Exception {
        Account account = get(accounts.register("Alice", PASSWORD, false));

        assertThat(account.username()).isEqualTo("Alice");
        assertThat(account.passwordHash()).startsWith("$argon2id$").doesNotContain(PASSWORD);
        assertThat(account.admin()).isFalse();
        assertThat(account.createdAt()).isEqualTo(NOW);
    }

    @Test
    void registersScramCredentialsThatVerifyThePasswordWithTheAccount() throws Exception {
        Account account = get(accounts.register("Alice", PASSWORD, false));

        assertVerifies(account.scram(), PASSWORD);
        assertThat(account.scram().get(ScramAlgorithm.SHA_1).salt())
                .isNotEqualTo(account.scram().get(ScramAlgorithm.SHA_256).salt());
        assertThat(get(accounts.find("alice"))).as("stored with the account").hasValue(account);
    }

    @Test
    void aLoginGivesAnAccountWithoutScramCredentialsItsCredentials() throws Exception {
        String hash = get(hashing.hash(PASSWORD, Purpose.REGISTRATION));
        get(new EmbeddedAccountStore(db).create(new Account("Bob", hash, false, NOW, Map.of())));

        assertThat(get(accounts.authenticate("bob", "wrong password"))).isEmpty();
        assertThat(get(accounts.find("bob")).orElseThrow().scram()).as("not from a wrong password").isEmpty();

        Account loggedIn = get(accounts.authenticate("bob", PASSWORD)).orElseThrow();

        assertVerifies(loggedIn.scram(), PASSWORD);
        assertThat(get(accounts.find("bob"))).as("stored").hasValue(loggedIn);
        assertThat(get(accounts.authenticate("bob", PASSWORD))).as("kept, not made again").hasValue(loggedIn);
    }

    @Test
    void aLoginCompletesAnAccountWithOneCredentialOnly() throws Exception {
        String hash = get(hashing.hash(PASSWORD, Purpose.REGISTRATION));
        ScramCredential sha1 = ScramCredential.derive(ScramAlgorithm.SHA_1, PASSWORD, new byte[16], 4096);
        get(new EmbeddedAccountStore(db).create(new Account("Carol", hash, false, NOW,
                Map.of(ScramAlgorithm.SHA_1, sha1))));

        assertVerifies(get(accounts.authenticate("carol", PASSWORD)).orElseThrow().scram(), PASSWORD);
        assertVerifies(get(accounts.find("carol")).orElseThrow().scram(), PASSWORD);
    }

    @Test
    void refusesATakenNameWhateverItsCase() throws Exception {
        get(accounts.register("Alice", PASSWORD, false));

        assertRefused(accounts.register("alice", "another password", false), "username is taken");
        assertRefused(accounts.register("ALICE", PASSWORD, false), "username is taken");
    }

    @Test
    void aTakenNameIsRefusedBeforeAnyHash() throws Exception {
        get(accounts.register("Alice", PASSWORD, false));
        try (PasswordHashing full = new PasswordHashing(1, 0)) {
            Accounts busy = new Accounts(new EmbeddedAccountStore(db), full, Clock.fixed(NOW, ZoneOffset.UTC));

            assertRefused(busy.register("alice", PASSWORD, false), "username is taken");
            assertThatThrownBy(() -> get(busy.register("bob", PASSWORD, false)))
                    .as("a free name needs a hash, and there is no room for one")
                    .hasCauseInstanceOf(HashingBusyException.class);
        }
    }

    @Test
    void refusesAPasswordShorterThan8OrLongerThan1024Characters() throws Exception {
        assertRefused(accounts.register("alice", "1234567", false), "password must be 8 to 1024");
        assertRefused(accounts.register("alice", null, false), "password must be 8 to 1024");
        assertRefused(accounts.register("alice", "x".repeat(1025), false), "password must be 8 to 1024");

        assertThat(get(accounts.register("alice", "12345678", false)).username())
                .as("the name is still free after the refusals, and 8 characters are enough")
                .isEqualTo("alice");
    }

    @Test
    void refusesAnInvalidName() {
        assertRefused(accounts.register("a b", PASSWORD, false), "only letters");
    }

    @Test
    void authenticatesWithTheRightPasswordOnly() throws Exception {
        get(accounts.register("Alice", PASSWORD, false));

        assertThat(get(accounts.authenticate("Alice", PASSWORD))).hasValueSatisfying(account ->
                assertThat(account.username()).isEqualTo("Alice"));
        assertThat(get(accounts.authenticate("alice", PASSWORD)))
                .as("names are case-insensitive; the account keeps the spelling it was registered with")
                .hasValueSatisfying(account -> assertThat(account.username()).isEqualTo("Alice"));
        assertThat(get(accounts.authenticate("Alice", "wrong password"))).isEmpty();
        assertThat(get(accounts.authenticate("Alice", "Correct horse"))).isEmpty();
        assertThat(get(accounts.authenticate("Alice", null))).isEmpty();
        assertThat(get(accounts.authenticate("nobody", PASSWORD))).isEmpty();
        assertThat(get(accounts.authenticate("no", PASSWORD))).isEmpty();
    }

    @Test
    void guestsMayTakeAnyFreeValidNameButNotARegisteredOne() throws Exception {
        get(accounts.register("Alice", PASSWORD, false));

        assertThat(get(accounts.guest("alice"))).isEmpty();
        assertThat(get(accounts.guest("ALICE"))).isEmpty();
        assertThat(get(accounts.guest("x"))).isEmpty();
        assertThat(get(accounts.guest("bob"))).hasValueSatisfying(guest -> {
            assertThat(guest.username()).isEqualTo("bob");
            assertThat(guest.passwordHash()).isNull();
            assertThat(guest.scram()).isEmpty();
        });
        assertThat(get(accounts.authenticate("bob", PASSWORD))).as("a guest name is not an account").isEmpty();
    }

    /** One credential per algorithm, each the password's: a client that knows it can log in with either. */
    private static void assertVerifies(Map<ScramAlgorithm, ScramCredential> scram, String password) {
        assertThat(scram).containsOnlyKeys(ScramAlgorithm.values());
        scram.forEach((algorithm, credential) -> {
            assertThat(credential.algorithm()).isEqualTo(algorithm);
            assertThat(credential.iterations()).isEqualTo(ScramCredential.DEFAULT_ITERATIONS);
            assertThat(ScramCredential.derive(algorithm, password, credential.salt(), credential.iterations()))
                    .isEqualTo(credential);
        });
    }

    private static <T> T get(CompletableFuture<T> future) throws Exception {
        return future.get(10, TimeUnit.SECONDS);
    }

    private static void assertRefused(CompletableFuture<?> future, String reason) {
        assertThatThrownBy(() -> get(future))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(AccountException.class)
                .hasMessageContaining(reason);
    }
}
