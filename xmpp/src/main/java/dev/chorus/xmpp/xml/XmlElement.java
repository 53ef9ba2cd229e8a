package dev.chorus.xmpp.xml;

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

    /** Elements and text, in document order. */
    public List<Object> children() {
        return children;
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
}
