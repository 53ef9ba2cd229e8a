package dev.chorus.engine.http;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Who the client is when proxies stand in front: the networks whose {@code X-Forwarded-For} and
 * {@code X-Forwarded-Proto} are believed. The client is the right-most {@code X-Forwarded-For} entry that is not a
 * trusted proxy — the address the last trusted hop saw — never the left-most, which the client writes itself.
 */
public final class TrustedProxies {
    public static final TrustedProxies NONE = new TrustedProxies(List.of());

    private final List<IpSubnetFilterRule> networks;

    private TrustedProxies(List<IpSubnetFilterRule> networks) {
        this.networks = networks;
    }

    /**
     * @param networks addresses ({@code 10.0.0.7}, {@code ::1}) or networks in CIDR notation ({@code 10.0.0.0/8})
     * @throws IllegalArgumentException when one is neither
     */
    public static TrustedProxies of(List<String> networks) {
        List<IpSubnetFilterRule> rules = new ArrayList<>();
        for (String network : networks) {
            rules.add(rule(network.trim()));
        }
        return new TrustedProxies(List.copyOf(rules));
    }

    private static IpSubnetFilterRule rule(String network) {
        int slash = network.indexOf('/');
        String address = slash < 0 ? network : network.substring(0, slash);
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
        if (bytes == null) {
            throw new IllegalArgumentException("'" + network + "' is not an IP address or a network like 10.0.0.0/8");
        }
        int maxPrefix = bytes.length * 8;
        int prefix;
        try {
            prefix = slash < 0 ? maxPrefix : Integer.parseInt(network.substring(slash + 1));
        } catch (NumberFormatException e) {
            prefix = -1;
        }
        if (prefix < 0 || prefix > maxPrefix) {
            throw new IllegalArgumentException("'" + network + "' has no prefix length from 0 to " + maxPrefix);
        }
        try {
            return new IpSubnetFilterRule(InetAddress.getByAddress(bytes), prefix, IpFilterRuleType.ACCEPT);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(network, e);
        }
    }

    public boolean isEmpty() {
        return networks.isEmpty();
    }

    public boolean trusts(SocketAddress peer) {
        return peer instanceof InetSocketAddress inet && inet.getAddress() != null && trusts(inet);
    }

    private boolean trusts(InetSocketAddress address) {
        for (IpSubnetFilterRule network : networks) {
            if (network.matches(address)) {
                return true;
            }
        }
        return false;
    }

    /** The client's address: the peer's, or behind trusted proxies the one the last trusted hop saw. */
    public String clientAddress(SocketAddress peer, HttpHeaders headers) {
        String direct = peer instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : String.valueOf(peer);
        if (!trusts(peer)) {
            return direct;
        }
        String client = direct;
        List<String> hops = headers.getAll("X-Forwarded-For");
        for (int h = hops.size() - 1; h >= 0; h--) {
            String[] entries = hops.get(h).split(",");
            for (int e = entries.length - 1; e >= 0; e--) {
                byte[] bytes = NetUtil.createByteArrayFromIpAddressString(entries[e].trim());
                if (bytes == null) {
                    return client;
                }
                InetSocketAddress hop = address(bytes);
                client = hop.getAddress().getHostAddress();
                if (!trusts(hop)) {
                    return client;
                }
            }
        }
        return client;
    }

    /** Whether the client came over https, which only a trusted proxy can say (the node itself speaks plain HTTP). */
    public boolean secure(SocketAddress peer, HttpHeaders headers) {
        if (!trusts(peer)) {
            return false;
        }
        String proto = headers.get("X-Forwarded-Proto");
        return proto != null && proto.split(",", 2)[0].trim().equalsIgnoreCase("https");
    }

    private static InetSocketAddress address(byte[] bytes) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(bytes), 0);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address of " + bytes.length + " bytes", e);
        }
    }
}
