package dev.chorus.core.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AccountTest {
    private static final Instant CREATED = Instant.parse("2026-01-02T03:04:05Z");

    @Test
    void scramIsNeverNullAndCannotBeChangedFromOutside() {
        assertThat(new Account("guest1", null, false, CREATED, null).scram()).isEmpty();

        ScramCredential credential = ScramCredential.derive(ScramAlgorithm.SHA_1, "pencil", new byte[16], 1);
        Map<ScramAlgorithm, ScramCredential> given = new EnumMap<>(ScramAlgorithm.class);
        given.put(ScramAlgorithm.SHA_1, credential);
        Account account = new Account("alice", "$argon2id$hash", false, CREATED, given);
        given.clear();

        assertThat(account.scram()).containsExactly(Map.entry(ScramAlgorithm.SHA_1, credential));
        assertThatThrownBy(() -> account.scram().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThat(account).isEqualTo(new Account("alice", "$argon2id$hash", false, CREATED,
                Map.of(ScramAlgorithm.SHA_1, ScramCredential.derive(ScramAlgorithm.SHA_1, "pencil", new byte[16], 1))));
    }
}
