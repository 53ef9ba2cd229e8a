package dev.chorus.xmpp.xml;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One XML element as a stanza is made of: its name and namespace, its attributes in order ({@code xml:lang} under
 * that name), and its children, elements and text. Built whole by the decoder or by a handler; not changed after.
 */
public final class XmlElement {
    private final String name;
    private final String namespace;
    private final Map<String, String> attributes;
    private final List<Object> children;

    /** @param children {@link XmlElement}s and {@link String}s of text, in document order */
    public XmlElement(String name, String namespace, Map<String, String> attributes, List<?> children) {
        this.name = name;
        this.namespace = namespace == null ? "" : namespace;
        this.attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        this.children = List.copyOf(children);
    }

    /** Starts an element to build: {@code XmlElement.builder("iq", "jabber:client").attribute("type", "get")}. */
    public static Builder builder(String name, String namespace) {
        return new Builder(name, namespace);
    }

    /** An element with neither attributes nor children. */
    public static XmlElement empty(String name, String namespace) {
        return new XmlElement(name, namespace, Map.of(), List.of());
    }

    /**
     * Reads one element written by {@link #toXml} (a stanza carried between servers), under the XMPP client
     * namespace when it declares none, with the stream decoder's limits.
     *
     * @throws StreamErrorException when it is not one well-formed element
     */
    public static XmlElement parse(String xml) {
        List<Object> events = new ArrayList<>();
        XmppStreamDecoder decoder = new XmppStreamDecoder(XmppStreamDecoder.Limits.DEFAULTS);
        ByteBuf bytes = Unpooled.copiedBuffer("<stream xmlns='jabber:client'>" + xml, StandardCharsets.UTF_8);
        try {
            decoder.read(bytes, events);
        } finally {
            bytes.release();
        }
        if (events.size() != 2 || !decoder.betweenStanzas()
                || !(events.get(1) instanceof StreamEvent.Stanza stanza)) {
            throw new StreamErrorException(StreamError.BAD_FORMAT, "not one element: " + xml);
        }
        return stanza.element();
    }

    /** The same element with one attribute set, or removed when {@code value} is null. */
    public XmlElement withAttribute(String attribute, String value) {
        Map<String, String> changed = new LinkedHashMap<>(attributes);
        if (value == null) {
            changed.remove(attribute);
        } else {
            changed.put(attribute, value);
        }
        return new XmlElement(name, namespace, changed, children);
    }

    /** The attribute's value, or null. */
    public String attribute(String attribute) {
        return attributes.get(attribute);
    }

    /** The child elements, without text. */
    public List<XmlElement> elements() {
        List<XmlElement> elements = new ArrayList<>();
        for (Object child : children) {
            if (child instanceof XmlElement element) {
                elements.add(element);
            }
        }
        return elements;
    }

    public boolean is(String elementName, String elementNamespace) {
        return name.equals(elementName) && namespace.equals(elementNamespace);
    }

    public String name() {
        return name;
    }

    /** The namespace URI; empty when none. */
    public String namespace() {
        return namespace;
    }

    public Map<String, String> attributes() {
        return attributes;
    }

    /** The first child element of that name and namespace. */
    public Optional<XmlElement> child(String childName, String childNamespace) {
        for (Object child : children) {
            if (child instanceof XmlElement element && element.name.equals(childName)
                    && element.namespace.equals(childNamespace)) {
                return Optional.of(element);
            }
        }
        return Optional.empty();
    }

    /** The text directly inside, its pieces joined. */
    public String text() {
        StringBuilder text = new StringBuilder();
        for (Object child : children) {
            if (child instanceof String piece) {
                text.append(piece);
            }
        }
        return text.toString();
    }

    /** As XML, the namespace declared where it changes from the enclosing one's. */
    public String toXml(String enclosingNamespace) {
        StringBuilder xml = new StringBuilder();
        write(xml, enclosingNamespace);
        return xml.toString();
    }

    private void write(StringBuilder xml, String enclosingNamespace) {
        xml.append('<').append(name);
        if (!namespace.equals(enclosingNamespace)) {
            xml.append(" xmlns='");
            escape(xml, namespace);
            xml.append('\'');
        }
        attributes.forEach((attribute, value) -> {
            xml.append(' ').append(attribute).append("='");
            escape(xml, value);
            xml.append('\'');
        });
        if (children.isEmpty()) {
            xml.append("/>");
            return;
        }
        xml.append('>');
        for (Object child : children) {
            if (child instanceof XmlElement element) {
                element.write(xml, namespace);
            } else {
                escape(xml, (String) child);
            }
        }
        xml.append("</").append(name).append('>');
    }

    private static void escape(StringBuilder xml, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> xml.append("&lt;");
                case '>' -> xml.append("&gt;");
                case '&' -> xml.append("&amp;");
                case '\'' -> xml.append("&apos;");
                case '"' -> xml.append("&quot;");
                default -> xml.append(c);
            }
        }
    }

    @Override
    public String toString() {
        return toXml("");
    }

    /** Builds an element in document order. */
    public static final class Builder {
        private final String name;
        private final String namespace;
        private final Map<String, String> attributes = new LinkedHashMap<>();
        private final List<Object> children = new ArrayList<>();

        private Builder(String name, String namespace) {
            this.name = name;
            this.namespace = namespace;
        }

        /** Sets an attribute; a null value leaves it out. */
        public Builder attribute(String attribute, String value) {
            if (value != null) {
                attributes.put(attribute, value);
            }
            return this;
        }

        public Builder child(XmlElement child) {
            children.add(child);
            return this;
        }

        /** Adds a child element holding only text. */
        public Builder child(String childName, String childNamespace, String text) {
            children.add(new XmlElement(childName, childNamespace, Map.of(),
                    text.isEmpty() ? List.of() : List.of(text)));
            return this;
        }

        public Builder text(String text) {
            if (!text.isEmpty()) {
                children.add(text);
            }
            return this;
        }

        public XmlElement build() {
            return new XmlElement(name, namespace, attributes, children);
        }
    }
}
