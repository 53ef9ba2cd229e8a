package dev.chorus.server;

import dev.chorus.engine.eio.SessionHolders;
import dev.chorus.engine.http.HttpForwarding;
import dev.chorus.xmpp.bosh.BoshRouting;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * BOSH sessions of a cluster: named by their node like Engine.IO sessions, a request for another node's session is
 * forwarded there once, as a polling request is, and the holder's answer relayed.
 */
final class ForwardedBoshSessions implements BoshRouting {
    private final Supplier<String> ids;
    private final SessionHolders holders;

    ForwardedBoshSessions(Supplier<String> ids, SessionHolders holders) {
        this.ids = ids;
        this.holders = holders;
    }

    @Override
    public String newSid() {
        return ids.get();
    }

    @Override
    public boolean passOn(Channel client, FullHttpRequest request, String sid, Runnable unknown) {
        CompletableFuture<InetSocketAddress> holder = HttpForwarding.wasForwarded(request) ? null
                : holders.holderOf(sid);
        if (holder == null) {
            return false;
        }
        FullHttpRequest forwarded = HttpForwarding.copy(request, client);
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        holder.whenComplete((address, error) -> client.eventLoop().execute(() -> {
            if (address == null) {
                forwarded.release();
                unknown.run();
            } else {
                HttpForwarding.forward(client, forwarded, address, keepAlive, unknown);
            }
        }));
        return true;
    }
}
