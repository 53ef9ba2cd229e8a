package dev.chorus.xmpp.stream;

import dev.chorus.xmpp.sasl.PlainMechanism;
import dev.chorus.xmpp.sasl.SaslAuthenticator;
import dev.chorus.xmpp.sasl.SaslFailure;
import dev.chorus.xmpp.sasl.SaslMechanism;
import dev.chorus.xmpp.sasl.SaslRefusedException;
import dev.chorus.xmpp.sasl.SaslStep;
import dev.chorus.xmpp.sasl.ScramHash;
import dev.chorus.xmpp.sasl.ScramMechanism;
import dev.chorus.xmpp.xml.StreamError;
import dev.chorus.xmpp.xml.StreamErrorException;
import dev.chorus.xmpp.xml.StreamEvent;
import dev.chorus.xmpp.xml.XmlElement;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Resourcepart;
import org.jxmpp.stringprep.XmppStringprepException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's XMPP stream (RFC 6120), whatever carries it: the stream header and features, STARTTLS, SASL,
 * resource binding or the resumption of a session (XEP-0198), then stanzas handed to the application's session with
 * their sender stamped. What no one handles is answered with an error, never with silence: a client waits forever on
 * an unanswered IQ. Every event is handled on the transport's thread; a stanza, once read, on its session's.
 */
public final class XmppStream {
    private static final Logger log = LoggerFactory.getLogger(XmppStream.class);
    private static final Set<String> STANZAS = Set.of("message", "presence", "iq");
    private static final String PING_ID = "chorus-ping-";

    private final StreamSettings settings;
    private final StreamTransport transport;
    private final SaslAuthenticator authenticator;
    private final ResourceBinder binder;
    private final Resumptions resumptions;
    private final StreamManagement management;
    /** The stream header the client must send next: at the start, after TLS, after SASL. */
    private boolean awaitingHeader = true;
    private SaslMechanism mechanism;
    private boolean busy;
    private int saslFailures;
    private String username;
    private String jid;
    private String bareJid;
    /** The session this stream carries, once bound or resumed; null again once it moved to a newer stream. */
    private XmppSession session;
    private boolean closed;
    /** Whether the client said anything since the last idle check. */
    private boolean heard;
    private boolean pingOutstanding;
    private int pings;
    private final StanzaBudget budget;
    private final ScheduledFuture<?> authDeadline;
    private ScheduledFuture<?> idleCheck;

    XmppStream(StreamSettings settings, StreamTransport transport, SaslAuthenticator authenticator,
            ResourceBinder binder, Resumptions resumptions) {
        this.settings = settings;
        this.transport = transport;
        this.authenticator = authenticator;
        this.binder = binder;
        this.resumptions = resumptions;
        this.management = new StreamManagement(this, transport, binder, resumptions, settings);
        this.budget = new StanzaBudget(settings.stanzaRate(), settings.stanzaBurst());
        this.authDeadline = transport.executor().schedule(() -> {
            if (jid == null) {
                fail(StreamError.CONNECTION_TIMEOUT, "not logged in within " + settings.authDeadline().toSeconds()
                        + " s");
            }
        }, settings.authDeadline().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** What the framing read off the connection. */
    public void onEvent(StreamEvent event) {
        if (closed) {
            return;
        }
        heard = true;
        pingOutstanding = false;
        if (event instanceof StreamEvent.Opened opened) {
            opened(opened.root());
        } else if (event instanceof StreamEvent.Stanza stanza) {
            received(stanza.element());
        } else {
            finish(false);
            transport.close(null);
        }
    }

    /** The framing could not read on: the stream ends with the error it found. */
    public void onError(StreamErrorException error) {
        fail(error.error(), error.getMessage());
    }

    /** The connection is gone without the stream's end: a managed session may be resumed on a new one. */
    public void onTransportClosed() {
        finish(true);
    }

    /** Writes an element of its session's; from any thread. */
    void write(XmlElement element) {
        onThread(() -> {
            if (!closed) {
                transport.send(element);
            }
        });
    }

    /** Ends the stream with a stream error; from any thread. */
    void end(StreamError error, String text) {
        onThread(() -> fail(error, text));
    }

    /** Its session was resumed on a newer stream: this one closes, and leaves the session alone. */
    void replaced() {
        onThread(() -> {
            session = null;
            if (!closed) {
                finish(false);
                transport.close(null);
            }
        });
    }

    /** Its session went to another node: the connection is dropped, for its client to resume the session there. */
    void dropped() {
        onThread(() -> {
            session = null;
            if (!closed) {
                finish(false);
                transport.drop();
            }
        });
    }

    String client() {
        return transport.client();
    }

    void onThread(Runnable task) {
        if (transport.executor().inEventLoop()) {
            task.run();
        } else {
            transport.executor().execute(task);
        }
    }

    private void opened(XmlElement header) {
        if (!awaitingHeader) {
            fail(StreamError.BAD_FORMAT, "a stream header inside the stream");
            return;
        }
        if (!header.is("stream", Namespaces.STREAMS) && !header.is("open", Namespaces.FRAMING)) {
            fail(StreamError.INVALID_NAMESPACE, "not a stream header: " + header.name());
            return;
        }
        String version = header.attribute("version");
        if (version == null || !version.startsWith("1.")) {
            fail(StreamError.UNSUPPORTED_VERSION, "this server speaks XMPP 1.0");
            return;
        }
        String to = header.attribute("to");
        if (to != null && !to.equalsIgnoreCase(settings.domain())) {
            fail(StreamError.HOST_UNKNOWN, "this server is " + settings.domain());
            return;
        }
        awaitingHeader = false;
        transport.open(RandomIds.next(12), settings.domain());
        transport.send(features());
    }

    private XmlElement features() {
        XmlElement.Builder features = XmlElement.builder("features", Namespaces.STREAMS);
        if (username != null) {
            features.child(XmlElement.empty("bind", Namespaces.BIND));
            features.child(XmlElement.builder("session", Namespaces.SESSION)
                    .child(XmlElement.empty("optional", Namespaces.SESSION)).build());
            // Here, not only after binding: a client resuming a session does so instead of binding.
            features.child(XmlElement.empty("sm", Namespaces.SM));
            return features.build();
        }
        if (transport.canStartTls()) {
            XmlElement.Builder starttls = XmlElement.builder("starttls", Namespaces.TLS);
            if (settings.tlsRequired()) {
                starttls.child(XmlElement.empty("required", Namespaces.TLS));
                // Nothing else is offered before TLS: no client may try a mechanism in the clear.
                return features.child(starttls.build()).build();
            }
            features.child(starttls.build());
        }
        XmlElement.Builder mechanisms = XmlElement.builder("mechanisms", Namespaces.SASL);
        for (String name : authenticator.mechanisms(transport.isProtected())) {
            mechanisms.child("mechanism", Namespaces.SASL, name);
        }
        return features.child(mechanisms.build()).build();
    }

    private void received(XmlElement element) {
        if (!budget.take()) {
            fail(StreamError.POLICY_VIOLATION, "over " + settings.stanzaBurst() + " stanzas at once, or "
                    + settings.stanzaRate() + " a second");
        } else if (awaitingHeader) {
            fail(StreamError.NOT_AUTHORIZED, "a stanza before the stream header");
        } else if (busy) {
            fail(StreamError.POLICY_VIOLATION, "a stanza before the last negotiation step was answered");
        } else if (username == null) {
            negotiate(element);
        } else if (element.namespace().equals(Namespaces.SM)) {
            management(element);
        } else if (jid == null) {
            bind(element);
        } else {
            stanza(element);
        }
    }

    private void negotiate(XmlElement element) {
        if (element.is("starttls", Namespaces.TLS)) {
            if (!transport.canStartTls()) {
                finish(false);
                transport.close(XmlElement.empty("failure", Namespaces.TLS));
                return;
            }
            awaitingHeader = true;
            transport.startTls(XmlElement.empty("proceed", Namespaces.TLS));
        } else if (element.is("auth", Namespaces.SASL)) {
            auth(element);
        } else if (element.is("response", Namespaces.SASL) && mechanism != null) {
            byte[] response = decode(element.text());
            if (response != null) {
                step(mechanism.respond(response));
            }
        } else if (element.is("abort", Namespaces.SASL) && mechanism != null) {
            saslFailed(SaslFailure.ABORTED);
        } else {
            fail(StreamError.NOT_AUTHORIZED, "<" + element.name() + "/> before authentication");
        }
    }

    private void auth(XmlElement auth) {
        if (settings.tlsRequired() && transport.canStartTls()) {
            saslFailed(SaslFailure.ENCRYPTION_REQUIRED);
            return;
        }
        String name = String.valueOf(auth.attribute("mechanism"));
        List<String> offered = authenticator.mechanisms(transport.isProtected());
        if (!offered.contains(name)) {
            saslFailed(name.equals(PlainMechanism.NAME) ? SaslFailure.ENCRYPTION_REQUIRED
                    : SaslFailure.INVALID_MECHANISM);
            return;
        }
        mechanism = mechanism(name);
        String text = auth.text().trim();
        byte[] initial = text.isEmpty() ? null : decode(text);
        if (!text.isEmpty() && initial == null) {
            return;
        }
        step(mechanism.start(initial));
    }

    private SaslMechanism mechanism(String name) {
        for (ScramHash hash : ScramHash.values()) {
            if (hash.mechanism().equals(name)) {
                return new ScramMechanism(hash, authenticator, settings.domain(), transport.client());
            }
        }
        return new PlainMechanism(authenticator, settings.domain(), transport.client());
    }

    /** SASL's base64, "=" for an empty message; null (and the exchange failed) when it is none. */
    private byte[] decode(String text) {
        String trimmed = text.trim();
        if (trimmed.equals("=")) {
            return new byte[0];
        }
        try {
            return Base64.getMimeDecoder().decode(trimmed);
        } catch (IllegalArgumentException e) {
            saslFailed(SaslFailure.INCORRECT_ENCODING);
            return null;
        }
    }

    private void step(CompletableFuture<SaslStep> next) {
        busy = true;
        next.whenComplete((step, error) -> onThread(() -> {
            busy = false;
            if (!closed) {
                stepped(step, error);
            }
        }));
    }

    private void stepped(SaslStep step, Throwable error) {
        if (error != null) {
            Throwable cause = cause(error);
            if (cause instanceof SaslRefusedException refused) {
                saslFailed(refused.failure());
            } else {
                log.warn("authentication of an XMPP stream from {} could not be checked", transport.client(), cause);
                saslFailed(SaslFailure.TEMPORARY_AUTH_FAILURE);
            }
            return;
        }
        if (step instanceof SaslStep.Challenge challenge) {
            transport.send(XmlElement.builder("challenge", Namespaces.SASL)
                    .text(Base64.getEncoder().encodeToString(challenge.data())).build());
        } else if (step instanceof SaslStep.Success success) {
            mechanism = null;
            username = success.username();
            awaitingHeader = true;
            log.debug("XMPP stream from {} authenticated as {}", transport.client(), username);
            String data = success.additionalData() == null ? ""
                    : Base64.getEncoder().encodeToString(success.additionalData());
            transport.restartAfter(XmlElement.builder("success", Namespaces.SASL).text(data).build());
        } else {
            saslFailed(((SaslStep.Failure) step).failure());
        }
    }

    private void saslFailed(SaslFailure failure) {
        mechanism = null;
        transport.send(XmlElement.builder("failure", Namespaces.SASL)
                .child(XmlElement.empty(failure.condition(), Namespaces.SASL)).build());
        if (failure != SaslFailure.ABORTED && ++saslFailures >= settings.maxSaslFailures()) {
            fail(StreamError.POLICY_VIOLATION, saslFailures + " failed authentications");
        }
    }

    private void bind(XmlElement iq) {
        XmlElement request = iq.child("bind", Namespaces.BIND).orElse(null);
        if (!iq.is("iq", Namespaces.CLIENT) || request == null || !"set".equals(iq.attribute("type"))) {
            fail(StreamError.NOT_AUTHORIZED, "<" + iq.name() + "/> before a resource is bound");
            return;
        }
        String resource = request.child("resource", Namespaces.BIND).map(XmlElement::text).map(String::trim)
                .filter(text -> !text.isEmpty()).orElse(null);
        if (resource != null) {
            try {
                resource = Resourcepart.from(resource).toString();
            } catch (XmppStringprepException e) {
                transport.send(Stanzas.error(iq, StanzaError.BAD_REQUEST, "not a resource: " + e.getMessage()));
                return;
            }
        }
        busy = true;
        XmppSession binding = new XmppSession(this, transport.executor(), settings, resumptions);
        binder.bind(binding, username, resource).whenComplete((bound, error) -> onThread(() -> {
            busy = false;
            bound(iq, binding, bound, error);
        }));
    }

    private void bound(XmlElement iq, XmppSession bound, ResourceBinder.Binding binding, Throwable error) {
        if (closed) {
            if (binding != null) {
                binding.handler().closed();
            }
            return;
        }
        if (error != null) {
            Throwable cause = cause(error);
            if (cause instanceof BindRefusedException refused) {
                transport.send(Stanzas.error(iq, refused.error(), refused.getMessage()));
            } else {
                log.warn("binding a resource for {} failed", username, cause);
                transport.send(Stanzas.error(iq, StanzaError.INTERNAL_SERVER_ERROR, null));
            }
            return;
        }
        // Localparts compare without case (RFC 7622), as account names do: the address is written in lower case.
        bareJid = username.toLowerCase(Locale.ROOT) + "@" + settings.domain();
        jid = bareJid + "/" + binding.resource();
        session = bound;
        session.bound(username, jid, binding.handler());
        authDeadline.cancel(false);
        scheduleIdleCheck();
        log.debug("{} bound from {}", jid, transport.client());
        transport.send(XmlElement.builder("iq", Namespaces.CLIENT)
                .attribute("type", "result").attribute("id", iq.attribute("id"))
                .child(XmlElement.builder("bind", Namespaces.BIND).child("jid", Namespaces.BIND, jid).build())
                .build());
    }

    private void stanza(XmlElement stanza) {
        if (!stanza.namespace().equals(Namespaces.CLIENT) || !STANZAS.contains(stanza.name())) {
            fail(StreamError.UNSUPPORTED_STANZA_TYPE, "<" + stanza.name() + "/> in " + stanza.namespace());
            return;
        }
        String from = stanza.attribute("from");
        if (from != null && !from.equalsIgnoreCase(jid) && !from.equalsIgnoreCase(bareJid)) {
            fail(StreamError.INVALID_FROM, "from " + from + " on the stream of " + jid);
            return;
        }
        XmlElement stamped = stanza.withAttribute("from", jid);
        XmppSession current = session;
        current.onThread(() -> handle(current, stamped));
    }

    /** A stanza of the client's, on its session's thread: counted, then answered here or handed on. */
    private void handle(XmppSession current, XmlElement received) {
        XmlElement stamped = current.counted(received);
        String to = stamped.attribute("to");
        if (to != null && !isJid(to)) {
            answer(current, stamped, StanzaError.JID_MALFORMED, "not an address: " + to);
            return;
        }
        if (stamped.name().equals("iq") && !iq(current, stamped)) {
            return;
        }
        if (!current.received(stamped)) {
            answer(current, stamped, StanzaError.SERVICE_UNAVAILABLE, null);
        }
    }

    /** Stream management (XEP-0198): its requests before a resource is bound, and after. */
    private void management(XmlElement element) {
        if (!management.handle(element, session, username)) {
            fail(StreamError.UNSUPPORTED_STANZA_TYPE, "<" + element.name() + "/> in " + Namespaces.SM);
        }
    }

    /** The stream now carries a session resumed on it (XEP-0198 §5), which it did not bind. */
    void carry(XmppSession resumed) {
        session = resumed;
        jid = resumed.jid();
        bareJid = jid.substring(0, jid.indexOf('/'));
        authDeadline.cancel(false);
        scheduleIdleCheck();
        log.debug("{} resumed its session from {}", jid, transport.client());
    }

    /** Whether the last negotiation step is still being answered: nothing else may come meanwhile. */
    void busy(boolean answering) {
        busy = answering;
    }

    boolean closed() {
        return closed;
    }

    /** @return whether the IQ goes on to the application; false when it was answered here */
    private boolean iq(XmppSession current, XmlElement iq) {
        String type = iq.attribute("type");
        if (iq.attribute("id") == null || type == null) {
            answer(current, iq, StanzaError.BAD_REQUEST, "an IQ needs an id and a type");
            return false;
        }
        if (type.equals("result") || type.equals("error")) {
            String id = iq.attribute("id");
            // The answer to the server's own ping: hearing it was the point.
            return !id.startsWith(PING_ID);
        }
        if (!type.equals("get") && !type.equals("set")) {
            answer(current, iq, StanzaError.BAD_REQUEST, "no IQ type " + type);
            return false;
        }
        List<XmlElement> payload = iq.elements();
        if (payload.size() != 1) {
            answer(current, iq, StanzaError.BAD_REQUEST, "an IQ request carries one element");
            return false;
        }
        String to = iq.attribute("to");
        boolean toServer = to == null || to.equalsIgnoreCase(settings.domain());
        XmlElement request = payload.get(0);
        if (toServer && (request.is("session", Namespaces.SESSION) || request.is("ping", Namespaces.PING))) {
            current.deliver(Stanzas.result(iq, null));
            return false;
        }
        return true;
    }

    /** Answers a stanza with an error, unless it is one: errors are never answered (RFC 6120 §8.3.1). */
    private static void answer(XmppSession current, XmlElement stanza, StanzaError error, String text) {
        boolean unanswerable = "error".equals(stanza.attribute("type"))
                || stanza.name().equals("iq") && "result".equals(stanza.attribute("type"))
                || stanza.name().equals("presence");
        if (!unanswerable) {
            current.deliver(Stanzas.error(stanza, error, text));
        }
    }

    /** What a future failed with, not its wrapper. */
    static Throwable cause(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    private static boolean isJid(String address) {
        try {
            JidCreate.from(address);
            return true;
        } catch (XmppStringprepException | IllegalArgumentException e) {
            return false;
        }
    }

    private void scheduleIdleCheck() {
        idleCheck = transport.executor().schedule(this::checkIdle, settings.idlePing().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * A stream silent for a whole interval is pinged; one that stays silent through the next is gone (a half-open
     * TCP link, a client that died). Checked once an interval: a stanza only sets a flag.
     */
    private void checkIdle() {
        if (closed) {
            return;
        }
        if (heard) {
            heard = false;
        } else if (pingOutstanding) {
            fail(StreamError.CONNECTION_TIMEOUT, "no answer to a ping in " + settings.idlePing().toSeconds() + " s");
            return;
        } else {
            pingOutstanding = true;
            session.send(XmlElement.builder("iq", Namespaces.CLIENT)
                    .attribute("type", "get").attribute("id", PING_ID + ++pings)
                    .attribute("from", settings.domain()).attribute("to", jid)
                    .child(XmlElement.empty("ping", Namespaces.PING)).build());
        }
        scheduleIdleCheck();
    }

    private void fail(StreamError error, String text) {
        if (closed) {
            return;
        }
        log.info("XMPP stream {} from {} ended: {} ({})", jid != null ? jid : username != null ? username : "",
                transport.client(), error.condition(), text);
        // A link that stopped answering may come back: its client may resume. Any other error ends the session.
        // Finished first: a transport closing at once reports its connection gone, which alone would keep it.
        finish(error == StreamError.CONNECTION_TIMEOUT);
        transport.close(Stanzas.streamError(error, text));
    }

    /** @param resumable whether the stream ended as a lost connection does, which a managed session outlives */
    private void finish(boolean resumable) {
        if (closed) {
            return;
        }
        closed = true;
        authDeadline.cancel(false);
        if (idleCheck != null) {
            idleCheck.cancel(false);
        }
        XmppSession current = session;
        if (current != null) {
            current.onThread(() -> {
                if (resumable) {
                    current.detach(this);
                } else {
                    current.close(this);
                }
            });
        }
    }
}
