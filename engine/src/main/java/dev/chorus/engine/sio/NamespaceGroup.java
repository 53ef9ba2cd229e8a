package dev.chorus.engine.sio;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Dynamic namespaces: every namespace whose name the matcher accepts is created on its first connection and shares
 * this group's middlewares and connection listeners.
 */
public final class NamespaceGroup {
    private final SocketIoServer server;
    private final Predicate<String> matcher;
    private final List<Middleware> middlewares = new CopyOnWriteArrayList<>();
    private final List<Consumer<Socket>> connectionListeners = new CopyOnWriteArrayList<>();
    private final List<Namespace> children = new CopyOnWriteArrayList<>();

    NamespaceGroup(SocketIoServer server, Predicate<String> matcher) {
        this.server = server;
        this.matcher = matcher;
    }

    public NamespaceGroup use(Middleware middleware) {
        middlewares.add(middleware);
        return this;
    }

    public NamespaceGroup onConnection(Consumer<Socket> listener) {
        connectionListeners.add(listener);
        return this;
    }

    /** The namespaces created so far. */
    public List<Namespace> children() {
        return new ArrayList<>(children);
    }

    /** Emits to every socket of every namespace of the group. */
    public void emit(String event, Object... args) {
        children.forEach(child -> child.emit(event, args));
    }

    boolean matches(String name) {
        return matcher.test(name);
    }

    Namespace createChild(String name) {
        Namespace child = new Namespace(server, name, middlewares, connectionListeners);
        children.add(child);
        return child;
    }
}
