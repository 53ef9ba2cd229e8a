package dev.chorus.server;

import dev.chorus.engine.eio.SessionHolders;
import dev.chorus.engine.http.HttpForwarding;
import dev.chorus.xmpp.bosh.BoshRouting;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpUtil;
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
        return HttpForwarding.toHolder(client, request, () -> holders.holderOf(sid), HttpUtil.isKeepAlive(request),
                false, unknown);
    }
}
