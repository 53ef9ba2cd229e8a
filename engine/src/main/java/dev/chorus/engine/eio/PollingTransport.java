package dev.chorus.engine.eio;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.List;

/** HTTP long-polling: the client holds a GET open until there is something to send, and POSTs its packets. */
final class PollingTransport extends Transport {
    private static final HttpHeaders NO_STORE =
            new DefaultHttpHeaders().add(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);

    private HttpReplies.Exchange pendingPoll;
    private String pendingPollId;
    private HttpHeaders nextReplyHeaders;
    private CloseReason closeOnNextPoll;
    /**
     * The last GET answered, by its {@code t}, and its body: when a proxy sends that GET again (the node it had sent
     * it through died with the answer), the client gets the same packets instead of losing them.
     */
    private String answeredPollId;
    private byte[] answeredPayload;
    private String lastPostId;

    PollingTransport(EngineSession session) {
        super(session);
    }

    @Override
    TransportName name() {
        return TransportName.POLLING;
    }

    @Override
    boolean writable() {
        return pendingPoll != null;
    }

    boolean hasPendingPoll() {
        return pendingPoll != null;
    }

    /** Headers for the next GET reply only, such as the handshake's session cookie. */
    void addHeadersToNextReply(HttpHeaders headers) {
        nextReplyHeaders = headers;
    }

    /** @return whether this GET repeats the last one answered, and was answered again with the same packets */
    boolean answerAgain(HttpReplies.Exchange exchange, String pollId) {
        if (pollId == null || !pollId.equals(answeredPollId) || answeredPayload == null) {
            return false;
        }
        HttpReplies.send(exchange, session.options().cors(), HttpResponseStatus.OK, HttpReplies.TEXT_PLAIN,
                exchange.channel().alloc().buffer(answeredPayload.length).writeBytes(answeredPayload), NO_STORE);
        return true;
    }

    /** @return whether a POST with this {@code t} was taken already; remembers it otherwise */
    boolean seenPost(String postId) {
        if (postId == null) {
            return false;
        }
        if (postId.equals(lastPostId)) {
            return true;
        }
        lastPostId = postId;
        return false;
    }

    /** @return false when a poll was already waiting: the client broke the protocol */
    boolean onPoll(HttpReplies.Exchange exchange, String pollId) {
        if (pendingPoll != null && pollId != null && pollId.equals(pendingPollId)) {
            // The same GET again: a proxy resent it, the way it first came having broken. It takes the old one's place.
            pendingPoll.channel().attr(EngineHttpHandler.PENDING_POLL).set(null);
            pendingPoll = null;
        }
        if (pendingPoll != null) {
            return false;
        }
        pendingPoll = exchange;
        pendingPollId = pollId;
        exchange.channel().attr(EngineHttpHandler.PENDING_POLL).set(session);
        if (closeOnNextPoll != null) {
            write(new ArrayList<>(List.of(Frame.close())));
            session.onTransportClosed(this, closeOnNextPoll);
        }
        return true;
    }

    /** The connection of the waiting GET went away before it was answered. */
    void onPollConnectionLost(HttpReplies.Exchange lost) {
        if (pendingPoll != null && pendingPoll.channel() == lost.channel()) {
            pendingPoll = null;
            session.onTransportClosed(this, CloseReason.TRANSPORT_ERROR);
        }
    }

    @Override
    void write(List<Frame> frames) {
        HttpReplies.Exchange exchange = pendingPoll;
        pendingPoll = null;
        exchange.channel().attr(EngineHttpHandler.PENDING_POLL).set(null);
        ByteBuf body = PacketCodec.encodePayload(frames, exchange.channel().alloc());
        answeredPollId = pendingPollId;
        pendingPollId = null;
        if (answeredPollId != null) {
            answeredPayload = new byte[body.readableBytes()];
            body.getBytes(body.readerIndex(), answeredPayload);
        }
        HttpHeaders headers = NO_STORE;
        if (nextReplyHeaders != null) {
            headers = nextReplyHeaders.add(NO_STORE);
            nextReplyHeaders = null;
        }
        HttpReplies.send(exchange, session.options().cors(), HttpResponseStatus.OK, HttpReplies.TEXT_PLAIN, body,
                headers);
    }

    /** Releases a waiting GET with a noop, as the reference server does while an upgrade completes. */
    void releasePendingPoll() {
        if (pendingPoll != null) {
            write(new ArrayList<>(List.of(Frame.noop())));
        }
    }

    /** Refuses a waiting GET once the session has moved to WebSocket. */
    void refusePendingPoll() {
        if (pendingPoll != null) {
            HttpReplies.Exchange exchange = pendingPoll;
            pendingPoll = null;
            exchange.channel().attr(EngineHttpHandler.PENDING_POLL).set(null);
            HttpReplies.sendError(exchange, session.options().cors(), EngineError.BAD_REQUEST);
        }
    }

    @Override
    void close(boolean closePacket) {
        if (pendingPoll != null) {
            write(new ArrayList<>(List.of(closePacket ? Frame.close() : Frame.noop())));
        }
    }

    /**
     * A server close with no GET waiting: the close packet goes out with the next poll, and the session ends then
     * (or when the session gives up waiting).
     */
    void closeOnNextPoll(CloseReason reason) {
        closeOnNextPoll = reason;
    }
}
