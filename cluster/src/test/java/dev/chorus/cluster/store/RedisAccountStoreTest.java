package dev.chorus.cluster.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.core.account.Account;
import dev.chorus.core.account.ScramAlgorithm;
import dev.chorus.core.account.ScramCredential;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedisAccountStoreTest extends RedisStoreTest {
    private static final Instant CREATED = Instant.parse("2026-01-02T03:04:05.678Z");

    @Test
    void createsOnceAndFindsWhateverTheCase() throws Exception {
        RedisAccountStore accounts = new RedisAccountStore(backbone);
        Account alice = new Account("Alice", "$argon2id$hash", true, CREATED, Map.of());

        assertThat(get(accounts.create(alice))).isTrue();
        assertThat(get(accounts.create(alice))).isFalse();
        assertThat(get(accounts.create(new Account("ALICE", "$argon2id$other", false, CREATED, Map.of()))))
                .as("the name is taken, whatever its case").isFalse();

        assertThat(get(accounts.find("alice"))).hasValue(alice);
        assertThat(get(accounts.find("aLiCe"))).hasValue(alice);
        assertThat(get(accounts.find("bob"))).isEmpty();
        assertThat(get(backbone.strings().exists("chorus:account:alice").toCompletableFuture())).isEqualTo(1);
    }

    @Test
    void keepsAGuestWithoutPassword() throws Exception {
        RedisAccountStore accounts = new RedisAccountStore(backbone, "other:");
        Account guest = new Account("guest1", null, false, CREATED, Map.of());

        assertThat(get(accounts.create(guest))).isTrue();

        assertThat(get(accounts.find("GUEST1"))).hasValue(guest);
        assertThat(get(new RedisAccountStore(backbone).find("guest1"))).as("another prefix").isEmpty();
    }

    @Test
    void theAdminFlagIsGivenAndTaken() throws Exception {
        RedisAccountStore accounts = new RedisAccountStore(backbone, "admin:");
        Account dave = new Account("Dave", "$argon2id$hash", false, CREATED, Map.of());
        get(accounts.create(dave));

        assertThat(get(accounts.setAdmin("DAVE", true))).isTrue();
        assertThat(get(accounts.find("dave"))).hasValue(new Account("Dave", "$argon2id$hash", true, CREATED, Map.of()));
        assertThat(get(accounts.setAdmin("dave", false))).isTrue();
        assertThat(get(accounts.find("dave"))).hasValue(dave);
        assertThat(get(accounts.setAdmin("nobody", true))).isFalse();
        assertThat(get(accounts.find("nobody"))).isEmpty();
    }

    @Test
    void scramCredentialsAreKeptAndReplacedBesideTheAdminFlag() throws Exception {
        RedisAccountStore accounts = new RedisAccountStore(backbone);
        Map<ScramAlgorithm, ScramCredential> scram = Map.of(
                ScramAlgorithm.SHA_1, ScramCredential.derive(ScramAlgorithm.SHA_1, "pencil", new byte[] {1, 2}, 4096),
                ScramAlgorithm.SHA_256, ScramCredential.derive(ScramAlgorithm.SHA_256, "pencil", new byte[] {3}, 4096));
        Map<ScramAlgorithm, ScramCredential> other = Map.of(
                ScramAlgorithm.SHA_256, ScramCredential.derive(ScramAlgorithm.SHA_256, "other", new byte[] {4}, 8192));
        Account erin = new Account("Erin", "$argon2id$hash", false, CREATED, scram);
        get(accounts.create(erin));

        assertThat(get(accounts.find("erin"))).hasValue(erin);
        assertThat(get(accounts.setScram("ERIN", other))).isTrue();
        assertThat(get(accounts.setAdmin("erin", true))).isTrue();
        assertThat(get(accounts.find("erin"))).hasValue(new Account("Erin", "$argon2id$hash", true, CREATED, other));
        assertThat(get(backbone.strings().get("chorus:account:erin").toCompletableFuture()))
                .as("replaced, not added to").containsOnlyOnce("\"scram\"");
        assertThat(get(accounts.setScram("erin", Map.of()))).isTrue();
        assertThat(get(accounts.find("erin"))).hasValue(new Account("Erin", "$argon2id$hash", true, CREATED, Map.of()));

        assertThat(get(accounts.setScram("nobody", scram))).isFalse();
        assertThat(get(accounts.find("nobody"))).as("not made by the attempt").isEmpty();
    }

    @Test
    void anAccountStoredBeforeScramLoadsWithoutCredentialsAndCanBeGivenThem() throws Exception {
        RedisAccountStore accounts = new RedisAccountStore(backbone);
        String stored = """
                {"username":"Frank","passwordHash":"$argon2id$hash","admin":false,"createdAt":%d}""".formatted(
                CREATED.toEpochMilli());
        get(backbone.strings().set("chorus:account:frank", stored).toCompletableFuture());
        Account frank = new Account("Frank", "$argon2id$hash", false, CREATED, Map.of());

        assertThat(get(accounts.find("frank"))).hasValue(frank);

        Map<ScramAlgorithm, ScramCredential> scram = Map.of(
                ScramAlgorithm.SHA_1, ScramCredential.derive(ScramAlgorithm.SHA_1, "pencil", new byte[] {1}, 4096));
        assertThat(get(accounts.setScram("Frank", scram))).isTrue();
        assertThat(get(accounts.find("frank"))).hasValue(frank.withScram(scram));
        assertThat(get(accounts.setAdmin("frank", true))).isTrue();
        assertThat(get(accounts.find("frank"))).hasValue(new Account("Frank", "$argon2id$hash", true, CREATED, scram));
    }
}
