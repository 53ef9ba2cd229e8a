package dev.chorus.engine.sio;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chorus.engine.eio.EngineServer;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A Socket.IO v4 server (protocol 5) over its own Engine.IO endpoint. Put {@link #httpHandler()} in a Netty HTTP
 * pipeline; register namespaces, middlewares and connection listeners with {@link #of(String)}.
 */
public final class SocketIoServer {
    private final SocketIoOptions options;
    private final ObjectMapper mapper;
    private final PacketEncoder encoder;
    private final EngineServer engine;
    private final SocketIoMetrics metrics;
    private final Map<String, Namespace> namespaces = new ConcurrentHashMap<>();
    private final List<NamespaceGroup> groups = new CopyOnWriteArrayList<>();

    public SocketIoServer(SocketIoOptions options) {
        this.options = options;
        this.mapper = options.mapper();
        this.encoder = new PacketEncoder(mapper, ByteBufAllocator.DEFAULT);
        this.engine = new EngineServer(options.engine(), session -> new Client(this, session));
        this.metrics = new SocketIoMetrics(options.meterRegistry(), engine);
        of("/");
    }

    public SocketIoOptions options() {
        return options;
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    public EngineServer engine() {
        return engine;
    }

    public ChannelHandler httpHandler() {
        return engine.httpHandler();
    }

    /** The main namespace, {@code /}. */
    public Namespace sockets() {
        return of("/");
    }

    /** The namespace of that name, created when it does not exist yet. */
    public Namespace of(String name) {
        String normalized = name.startsWith("/") ? name : "/" + name;
        return namespaces.computeIfAbsent(normalized,
                n -> new Namespace(this, n, new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>()));
    }

    /** Dynamic namespaces: any name the matcher accepts is created when a client first connects to it. */
    public NamespaceGroup of(Predicate<String> matcher) {
        NamespaceGroup group = new NamespaceGroup(this, matcher);
        groups.add(group);
        return group;
    }

    public Collection<Namespace> namespaces() {
        return Collections.unmodifiableCollection(namespaces.values());
    }

    /** Closes every session ("server shutting down") and the adapters. */
    public void close() {
        engine.close();
        namespaces.values().forEach(nsp -> nsp.adapter().close());
    }

    SocketIoMetrics metrics() {
        return metrics;
    }

    PacketEncoder encoder() {
        return encoder;
    }

    /** @return the namespace a client may connect to by that name, or null when there is none */
    Namespace namespace(String name) {
        Namespace existing = namespaces.get(name);
        if (existing != null) {
            return existing;
        }
        for (NamespaceGroup group : groups) {
            if (group.matches(name)) {
                return namespaces.computeIfAbsent(name, group::createChild);
            }
        }
        return null;
    }
}
