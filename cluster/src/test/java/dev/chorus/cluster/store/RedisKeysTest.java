package dev.chorus.cluster.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A namespace's keys deleted, every one of them and nothing else. */
class RedisKeysTest extends RedisStoreTest {
    @Test
    void everyKeyOfTheNamespaceGoesAndTheOthersStay() throws Exception {
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i < 2500; i++) {
            many.put("chorus-warm-up:n1:chorus:session:" + i, "x");
        }
        get(backbone.strings().mset(many).toCompletableFuture());
        get(backbone.strings().set("chorus:session:kept", "y").toCompletableFuture());
        get(backbone.strings().set("chorus-warm-up:n2:chorus:nodes", "z").toCompletableFuture());

        get(RedisKeys.deleteAll(backbone, "chorus-warm-up:n1:"));

        assertThat(get(backbone.strings().keys("*").toCompletableFuture()))
                .containsExactlyInAnyOrder("chorus:session:kept", "chorus-warm-up:n2:chorus:nodes");
    }

    @Test
    void aPatternIsNoNamespace() {
        assertThatThrownBy(() -> RedisKeys.deleteAll(backbone, "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RedisKeys.deleteAll(backbone, "chorus*")).isInstanceOf(IllegalArgumentException.class);
    }
}
