package dev.chorus.engine.sio;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chorus.engine.eio.EngineOptions;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/** Settings of a Socket.IO server, with the reference server's defaults. */
public final class SocketIoOptions {
    private final EngineOptions engine;
    private final Duration connectTimeout;
    private final RecoveryOptions recovery;
    private final AdapterFactory adapterFactory;
    private final int maxAttachments;
    private final ObjectMapper mapper;
    private final MeterRegistry meterRegistry;

    private SocketIoOptions(Builder b) {
        this.engine = b.engine;
        this.connectTimeout = b.connectTimeout;
        this.recovery = b.recovery;
        this.adapterFactory = b.adapterFactory != null ? b.adapterFactory : InMemoryAdapter.factory(b.recovery, Clock.systemUTC());
        this.maxAttachments = b.maxAttachments;
        this.mapper = b.mapper;
        this.meterRegistry = b.meterRegistry;
    }

    public static Builder builder() {
        return new Builder();
    }

    public EngineOptions engine() {
        return engine;
    }

    /** How long a client has to join a namespace before its connection is closed. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** Connection state recovery settings, or null when recovery is off (the default). */
    public RecoveryOptions recovery() {
        return recovery;
    }

    public AdapterFactory adapterFactory() {
        return adapterFactory;
    }

    public int maxAttachments() {
        return maxAttachments;
    }

    public MeterRegistry meterRegistry() {
        return meterRegistry;
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    /** A mapper that refuses what the reference parser refuses, such as text after the JSON value. */
    public static ObjectMapper defaultMapper() {
        return new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    public static final class Builder {
        private EngineOptions engine = EngineOptions.builder().path("/socket.io").build();
        private Duration connectTimeout = Duration.ofSeconds(45);
        private RecoveryOptions recovery;
        private AdapterFactory adapterFactory;
        private int maxAttachments = PacketDecoder.DEFAULT_MAX_ATTACHMENTS;
        private ObjectMapper mapper = defaultMapper();
        private MeterRegistry meterRegistry = new CompositeMeterRegistry();

        private Builder() {
        }

        public Builder engine(EngineOptions engine) {
            this.engine = Objects.requireNonNull(engine);
            return this;
        }

        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = Objects.requireNonNull(connectTimeout);
            return this;
        }

        public Builder recovery(RecoveryOptions recovery) {
            this.recovery = recovery;
            return this;
        }

        /** The adapter of every namespace; the default keeps rooms (and the recovery log) in memory. */
        public Builder adapterFactory(AdapterFactory adapterFactory) {
            this.adapterFactory = adapterFactory;
            return this;
        }

        public Builder maxAttachments(int maxAttachments) {
            this.maxAttachments = maxAttachments;
            return this;
        }

        public Builder mapper(ObjectMapper mapper) {
            this.mapper = Objects.requireNonNull(mapper);
            return this;
        }

        /** Where the server's meters go (connections, sockets, rooms, events, acks, recoveries); none by default. */
        public Builder meterRegistry(MeterRegistry meterRegistry) {
            this.meterRegistry = Objects.requireNonNull(meterRegistry);
            return this;
        }

        public SocketIoOptions build() {
            return new SocketIoOptions(this);
        }
    }
}
