package dev.chorus.cluster.store;

import dev.chorus.cluster.redis.RedisBackbone;
import dev.chorus.cluster.testsupport.RedisServer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** A real redis-server for each test class, emptied before each test, and a node's backbone to it. */
public abstract class RedisStoreTest {
    protected static RedisServer server;
    protected static RedisBackbone backbone;

    @BeforeAll
    static void startRedis() {
        server = RedisServer.start();
        backbone = RedisBackbone.connect(server.url());
    }

    @AfterAll
    static void stopRedis() {
        backbone.close();
        server.close();
    }

    @BeforeEach
    void emptyRedis() {
        server.flushAll();
    }

    protected static <T> T get(CompletableFuture<T> future) throws Exception {
        return future.get(5, TimeUnit.SECONDS);
    }
}
