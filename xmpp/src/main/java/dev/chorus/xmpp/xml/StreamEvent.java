package dev.chorus.xmpp.xml;

/** What the decoder reads off an XMPP stream: its opening, each top-level element (a stanza), its end. */
public sealed interface StreamEvent {
    /** The stream's root opened: its name, namespace and attributes (to, version, xml:lang), no children. */
    record Opened(XmlElement root) implements StreamEvent {
    }

    /** A whole top-level element: a stanza, or a stream-level element such as {@code <auth/>} or features. */
    record Stanza(XmlElement element) implements StreamEvent {
    }

    /** The client closed the stream ({@code </stream:stream>}). */
    record Closed() implements StreamEvent {
    }
}
