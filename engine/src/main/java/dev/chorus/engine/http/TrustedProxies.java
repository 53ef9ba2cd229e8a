package dev.chorus.engine.http;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

/**
 * Who the client is when proxies stand in front: the networks whose {@code X-Forwarded-For} and
 * {@code X-Forwarded-Proto} are believed. The client is the right-most {@code X-Forwarded-For} entry that is not a
 * trusted proxy — the address the last trusted hop saw — never the left-most, which the client writes itself.
 */
public final class TrustedProxies {
    public static final TrustedProxies NONE = new TrustedProxies(Networks.NONE);

    private final Networks networks;

    private TrustedProxies(Networks networks) {
        this.networks = networks;
    }

    /** @throws IllegalArgumentException when one of {@code networks} is not an address or a CIDR network */
    public static TrustedProxies of(List<String> networks) {
        return new TrustedProxies(Networks.of(networks));
    }

    private boolean trusts(SocketAddress peer) {
        return networks.contains(peer);
    }

    /** The client's address: the peer's, or behind trusted proxies the one the last trusted hop saw. */
    public String clientAddress(SocketAddress peer, HttpHeaders headers) {
        String client = peer instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : String.valueOf(peer);
        if (!trusts(peer)) {
            return client;
        }
        List<String> hops = headers.getAll("X-Forwarded-For");
        for (int h = hops.size() - 1; h >= 0; h--) {
            String[] entries = hops.get(h).split(",");
            for (int e = entries.length - 1; e >= 0; e--) {
                InetSocketAddress hop = Networks.parse(entries[e].strip());
                if (hop == null) {
                    return client;
                }
                client = hop.getAddress().getHostAddress();
                if (!trusts(hop)) {
                    return client;
                }
            }
        }
        return client;
    }

    /**
     * Whether a client address, as {@link #clientAddress} tells it, is this machine's own (loopback). Only a literal
     * address counts: a name is never looked up, on an event loop.
     */
    public static boolean onThisMachine(String clientAddress) {
        InetAddress literal = NetUtil.createInetAddressFromIpAddressString(clientAddress);
        return literal != null && literal.isLoopbackAddress();
    }

    /** Whether the client came over https, which only a trusted proxy can say (the node itself speaks plain HTTP). */
    public boolean secure(SocketAddress peer, HttpHeaders headers) {
        if (!trusts(peer)) {
            return false;
        }
        String proto = headers.get("X-Forwarded-Proto");
        return proto != null && proto.split(",", 2)[0].strip().equalsIgnoreCase("https");
    }
}
