package dev.chorus.xmpp.stream;

import dev.chorus.xmpp.sasl.SaslAuthenticator;

/** What every stream of a node is served with, whichever framing carries it. */
public record StreamServices(StreamSettings settings, SaslAuthenticator authenticator, ResourceBinder binder) {
    /** A new client's stream, on a framing just connected. */
    public XmppStream open(StreamTransport transport) {
        return new XmppStream(settings, transport, authenticator, binder);
    }
}
