package dev.chorus.core.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chorus.core.store.EmbeddedDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
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
        });
        assertThat(get(accounts.authenticate("bob", PASSWORD))).as("a guest name is not an account").isEmpty();
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
