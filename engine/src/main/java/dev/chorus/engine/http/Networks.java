package dev.chorus.engine.http;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** A list of IP networks ({@code 10.0.0.0/8}, {@code ::1}) and whether an address is in one of them. */
public final class Networks {
    public static final Networks NONE = new Networks(List.of());

    private final List<IpSubnetFilterRule> rules;

    private Networks(List<IpSubnetFilterRule> rules) {
        this.rules = rules;
    }

    /**
     * @param networks addresses ({@code 10.0.0.7}, {@code ::1}) or networks in CIDR notation ({@code 10.0.0.0/8})
     * @throws IllegalArgumentException when one is neither
     */
    public static Networks of(List<String> networks) {
        List<IpSubnetFilterRule> rules = new ArrayList<>();
        for (String network : networks) {
            rules.add(rule(network.strip()));
        }
        return new Networks(List.copyOf(rules));
    }

    private static IpSubnetFilterRule rule(String network) {
        int slash = network.indexOf('/');
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(slash < 0 ? network : network.substring(0, slash));
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
        return new IpSubnetFilterRule(address(bytes).getAddress(), prefix, IpFilterRuleType.ACCEPT);
    }

    public boolean contains(SocketAddress address) {
        if (!(address instanceof InetSocketAddress inet) || inet.getAddress() == null) {
            return false;
        }
        for (IpSubnetFilterRule rule : rules) {
            if (rule.matches(inet)) {
                return true;
            }
        }
        return false;
    }

    /** @param address an IP address as text; anything else is in no network */
    public boolean contains(String address) {
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
        return bytes != null && contains(address(bytes));
    }

    /** The address of these bytes, or null when they are not an IP literal's. */
    static InetSocketAddress parse(String text) {
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(text);
        return bytes == null ? null : address(bytes);
    }

    private static InetSocketAddress address(byte[] bytes) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(bytes), 0);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address of " + bytes.length + " bytes", e);
        }
    }
}
