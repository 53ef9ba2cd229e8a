package dev.chorus.cluster.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chorus.cluster.testsupport.RedisServer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What the Redis URL can say: password, database number, TLS. */
class RedisBackboneTest {
    @Test
    void aPasswordAndADatabaseNumberComeFromTheUrl() throws Exception {
        try (RedisServer redis = RedisServer.startWithPassword("s3cret")) {
            try (RedisBackbone backbone = RedisBackbone.connect("redis://:s3cret@127.0.0.1:" + redis.port() + "/3")) {
                backbone.strings().set("k", "in three").get(5, TimeUnit.SECONDS);
                assertThat(backbone.describe()).isEqualTo("redis://127.0.0.1:" + redis.port() + "/3")
                        .as("no password in what is logged").doesNotContain("s3cret");
            }
            try (RedisBackbone zero = RedisBackbone.connect("redis://:s3cret@127.0.0.1:" + redis.port() + "/0");
                    RedisBackbone three = RedisBackbone.connect("redis://:s3cret@127.0.0.1:" + redis.port() + "/3")) {
                assertThat(zero.strings().get("k").get(5, TimeUnit.SECONDS)).isNull();
                assertThat(three.strings().get("k").get(5, TimeUnit.SECONDS)).isEqualTo("in three");
            }
            assertThatThrownBy(() -> RedisBackbone.connect("redis://:wrong@127.0.0.1:" + redis.port()).close())
                    .hasStackTraceContaining("WRONGPASS");
        }
    }

    @Test
    void tlsWithRediss() throws Exception {
        try (RedisServer redis = RedisServer.startWithTls();
                RedisBackbone backbone = RedisBackbone.connect(
                        "rediss://127.0.0.1:" + redis.port() + "?verifyPeer=NONE")) {
            assertThat(backbone.strings().ping().get(5, TimeUnit.SECONDS)).isEqualTo("PONG");
            assertThat(backbone.describe()).startsWith("rediss://");
        }
    }
}
