package dev.chorus.cluster.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.core.account.Account;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RedisAccountStoreTest extends RedisStoreTest {
    private static final Instant CREATED = Instant.parse("2026-01-02T03:04:05.678Z");

    @Test
    void createsOnceAndFindsWhateverTheCase() throws Exception {
        RedisAccountStore accounts = new RedisAccountStore(backbone);
        Account alice = new Account("Alice", "$argon2id$hash", true, CREATED);

        assertThat(get(accounts.create(alice))).isTrue();
        assertThat(get(accounts.create(alice))).isFalse();
        assertThat(get(accounts.create(new Account("ALICE", "$argon2id$other", false, CREATED))))
                .as("the name is taken, whatever its case").isFalse();

        assertThat(get(accounts.find("alice"))).hasValue(alice);
        assertThat(get(accounts.find("aLiCe"))).hasValue(alice);
        assertThat(get(accounts.find("bob"))).isEmpty();
        assertThat(get(backbone.strings().exists("chorus:account:alice").toCompletableFuture())).isEqualTo(1);
    }

    @Test
    void keepsAGuestWithoutPassword() throws Exception {
        RedisAccountStore accounts = new RedisAccountStore(backbone, "other:");
        Account guest = new Account("guest1", null, false, CREATED);

        assertThat(get(accounts.create(guest))).isTrue();

        assertThat(get(accounts.find("GUEST1"))).hasValue(guest);
        assertThat(get(new RedisAccountStore(backbone).find("guest1"))).as("another prefix").isEmpty();
    }

    @Test
    void theAdminFlagIsGivenAndTaken() throws Exception {
        RedisAccountStore accounts = new RedisAccountStore(backbone, "admin:");
        Account dave = new Account("Dave", "$argon2id$hash", false, CREATED);
        get(accounts.create(dave));

        assertThat(get(accounts.setAdmin("DAVE", true))).isTrue();
        assertThat(get(accounts.find("dave"))).hasValue(new Account("Dave", "$argon2id$hash", true, CREATED));
        assertThat(get(accounts.setAdmin("dave", false))).isTrue();
        assertThat(get(accounts.find("dave"))).hasValue(dave);
        assertThat(get(accounts.setAdmin("nobody", true))).isFalse();
        assertThat(get(accounts.find("nobody"))).isEmpty();
    }
}
