package dev.chorus.xmpp.stream;

import dev.chorus.xmpp.sasl.SaslAuthenticator;

/**
 * What every stream of a node is served with, whichever framing carries it.
 *
 * @param resumptions the sessions a new stream may resume, whatever framing carried them, and wherever they are
 */
public record StreamServices(StreamSettings settings, SaslAuthenticator authenticator, ResourceBinder binder,
        Resumptions resumptions) {
    /** The services of a node alone. */
    public StreamServices(StreamSettings settings, SaslAuthenticator authenticator, ResourceBinder binder) {
        this(settings, authenticator, binder, new Resumptions(ResumptionStore.NONE));
    }

    /** A new client's stream, on a framing just connected. */
    public XmppStream open(StreamTransport transport) {
        return new XmppStream(settings, transport, authenticator, binder, resumptions);
    }
}
