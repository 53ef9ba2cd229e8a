package dev.chorus.cluster.registry;

/**
 * A node as it announces itself: its id, the address other nodes and proxies reach it at, the route id proxies
 * put in their sticky cookie, and when it started (epoch milliseconds).
 */
public record ClusterNode(String id, String address, String route, long startedAt) {
}
