package dev.chorus.cluster.registry;

import java.net.InetSocketAddress;

/**
 * A node as it announces itself: its id, the address other nodes and proxies reach it at, the route id proxies
 * put in their sticky cookie, and when it started (epoch milliseconds).
 */
public record ClusterNode(String id, String address, String route, long startedAt) {
    /** Where to reach it: its {@code host:port}, unresolved; null when the address it announced is not one. */
    public InetSocketAddress socketAddress() {
        int colon = address.lastIndexOf(':');
        if (colon <= 0) {
            return null;
        }
        try {
            return InetSocketAddress.createUnresolved(address.substring(0, colon),
                    Integer.parseInt(address.substring(colon + 1)));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
