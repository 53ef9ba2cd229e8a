package dev.chorus.server;

import dev.chorus.engine.eio.EngineOptions;
import dev.chorus.engine.sio.AdapterFactory;
import dev.chorus.xmpp.bosh.BoshRouting;
import dev.chorus.xmpp.stream.ResumptionStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Where a node keeps what outlives a request and what it shares: the embedded stores of a single node, or Redis
 * for a node in a cluster.
 */
interface Backend extends AutoCloseable {
    /** How long a sent message's client key is remembered: longer than any client keeps retrying. */
    Duration REMEMBER_SENT = Duration.ofMinutes(5);

    ChatStores stores();

    AdapterFactory adapterFactory();

    /** Lets the backend route Engine.IO sessions: a cluster names the holding node in each session id. */
    default EngineOptions.Builder routeSessions(EngineOptions.Builder engine) {
        return engine;
    }

    /** Where BOSH sessions are: a cluster names the holding node in each session id. */
    default BoshRouting routeBosh() {
        return BoshRouting.ALONE;
    }

    /** Where XMPP sessions a client may resume are recorded for the other nodes: nowhere for a node alone. */
    default ResumptionStore resumptions() {
        return ResumptionStore.NONE;
    }

    /** Whether the node can serve now (its stores reachable). */
    boolean isReady();

    /** The nodes of the cluster (this one alone when it runs alone), as {@code GET /cluster} shows them. */
    CompletableFuture<List<Map<String, Object>>> nodes();

    /**
     * Called once the node listens, at {@code host:port}: from now on the cluster may count on it.
     *
     * @param load what the node says of its load (its connections) wherever the nodes are listed
     */
    void announce(String address, Supplier<Map<String, Object>> load) throws InterruptedException;

    /** Called once the node stopped serving sockets, before {@link #close}. */
    default CompletableFuture<Void> leave() {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    void close();
}
