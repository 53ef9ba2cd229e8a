package dev.chorus.core.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chorus.core.account.PasswordHashing.Purpose;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PasswordHashingTest {
    @Test
    void aFloodIsRefusedAtOnceAndRegistrationsLeaveRoomForLogins() throws Exception {
        try (PasswordHashing hashing = new PasswordHashing(1, 4)) {
            List<CompletableFuture<String>> flood = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                flood.add(hashing.hash("password " + i, Purpose.REGISTRATION));
            }
            CompletableFuture<String> login = hashing.hash("a login's password", Purpose.LOGIN);

            long admitted = flood.stream().filter(hash -> !hash.isCompletedExceptionally()).count();
            assertThat(admitted).as("registrations fill half the capacity, the rest refused at once").isEqualTo(2);
            assertThatThrownBy(flood.get(9)::join).hasCauseInstanceOf(HashingBusyException.class);
            assertThat(login.get(10, TimeUnit.SECONDS)).as("a login still gets in").startsWith("$argon2id$");
            for (CompletableFuture<String> hash : flood.subList(0, 2)) {
                assertThat(hash.get(10, TimeUnit.SECONDS)).startsWith("$argon2id$");
            }
            assertThat(hashing.inFlight()).isZero();
            assertThat(hashing.matches("a login's password", login.join(), Purpose.LOGIN).get(10, TimeUnit.SECONDS))
                    .isTrue();
        }
    }
}
