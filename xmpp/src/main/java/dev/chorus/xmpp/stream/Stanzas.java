package dev.chorus.xmpp.stream;

import dev.chorus.xmpp.xml.StreamError;
import dev.chorus.xmpp.xml.XmlElement;

/** The answers every part of a server gives the same way: results, stanza errors, stream errors. */
public final class Stanzas {
    private Stanzas() {
    }

    /** The result of an IQ request, with its payload or none. */
    public static XmlElement result(XmlElement iq, XmlElement payload) {
        XmlElement.Builder result = XmlElement.builder("iq", Namespaces.CLIENT)
                .attribute("type", "result")
                .attribute("id", iq.attribute("id"))
                .attribute("from", iq.attribute("to"))
                .attribute("to", iq.attribute("from"));
        if (payload != null) {
            result.child(payload);
        }
        return result.build();
    }

    /** The error answering a stanza (RFC 6120 §8.3): back to its sender, from whom it was sent to. */
    public static XmlElement error(XmlElement stanza, StanzaError error, String text) {
        XmlElement.Builder condition = XmlElement.builder("error", Namespaces.CLIENT)
                .attribute("type", error.type())
                .child(XmlElement.empty(error.condition(), Namespaces.STANZA_ERRORS));
        if (text != null) {
            condition.child(XmlElement.builder("text", Namespaces.STANZA_ERRORS).attribute("xml:lang", "en")
                    .text(text).build());
        }
        return XmlElement.builder(stanza.name(), Namespaces.CLIENT)
                .attribute("type", "error")
                .attribute("id", stanza.attribute("id"))
                .attribute("from", stanza.attribute("to"))
                .attribute("to", stanza.attribute("from"))
                .child(condition.build())
                .build();
    }

    /** A stream error (RFC 6120 §4.9), the stream's last word. */
    public static XmlElement streamError(StreamError error, String text) {
        XmlElement.Builder element = XmlElement.builder("error", Namespaces.STREAMS)
                .child(XmlElement.empty(error.condition(), Namespaces.STREAM_ERRORS));
        if (text != null) {
            element.child(XmlElement.builder("text", Namespaces.STREAM_ERRORS).attribute("xml:lang", "en")
                    .text(text).build());
        }
        return element.build();
    }

    /** Whether an IQ asks for an answer: a get or a set. */
    public static boolean isRequest(XmlElement stanza) {
        String type = stanza.attribute("type");
        return stanza.name().equals("iq") && ("get".equals(type) || "set".equals(type));
    }
}
