package dev.chorus.xmpp.stream;

import dev.chorus.xmpp.xml.XmlElement;

/** How the framings write a stream's top-level elements. */
public final class StreamXml {
    private StreamXml() {
    }

    /**
     * A top-level element as XML. Stream-level elements (features, errors; no attributes) take the {@code stream:}
     * prefix XMPP clients look for, declared on the element when the framing has no stream root that declares it
     * (WebSocket).
     *
     * @param defaultNamespace the default namespace the element is written in: {@code jabber:client} inside a TCP
     *                         stream, none in a WebSocket frame
     */
    public static String write(XmlElement element, String defaultNamespace, boolean declareStreamPrefix) {
        if (!element.namespace().equals(Namespaces.STREAMS)) {
            return element.toXml(defaultNamespace);
        }
        StringBuilder xml = new StringBuilder("<stream:").append(element.name());
        if (declareStreamPrefix) {
            xml.append(" xmlns:stream='").append(Namespaces.STREAMS).append('\'');
        }
        xml.append('>');
        for (XmlElement child : element.elements()) {
            xml.append(child.toXml(defaultNamespace));
        }
        return xml.append("</stream:").append(element.name()).append('>').toString();
    }
}
