package dev.chorus.xmpp.xml;

import com.fasterxml.aalto.AsyncByteArrayFeeder;
import com.fasterxml.aalto.AsyncXMLInputFactory;
import com.fasterxml.aalto.AsyncXMLStreamReader;
import com.fasterxml.aalto.UncheckedStreamException;
import com.fasterxml.aalto.stax.InputFactoryImpl;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;

/**
 * Reads an XMPP stream (RFC 6120) off the bytes as they come, with Aalto's non-blocking parser: the root's opening,
 * then each top-level element built whole as a small {@link XmlElement}, then the close. Only restricted XML is
 * taken — no comments, processing instructions, DTDs or entity declarations (RFC 6120 §11.1) — and what
 * one top-level element may cost is capped: its bytes (counted as they arrive, so an endless one is cut off without
 * being kept), its depth and its attributes per element. Anything else ends the stream with a
 * {@link StreamErrorException}.
 */
public final class XmppStreamDecoder extends ByteToMessageDecoder {
    /**
     * @param maxStanzaBytes the most bytes one top-level element (or the text between two) may take
     * @param maxDepth       the most levels of elements inside one top-level element
     * @param maxAttributes  the most attributes of one element
     */
    public record Limits(int maxStanzaBytes, int maxDepth, int maxAttributes) {
        /** Vines' {@code max_stanza_size}, and room for any stanza real clients send. */
        public static final Limits DEFAULTS = new Limits(65_536, 32, 64);
    }

    private static final AsyncXMLInputFactory FACTORY = factory();

    private final Limits limits;
    private final AsyncXMLStreamReader<AsyncByteArrayFeeder> reader = FACTORY.createAsyncForByteArray();
    /** The elements open inside the current top-level one: their builders, innermost last. */
    private final Deque<Builder> open = new ArrayDeque<>();
    private boolean rootOpen;
    private boolean closed;
    private long fed;
    /** Where the current top-level element (or the text before the next one) began, in bytes of the stream. */
    private long boundary;

    public XmppStreamDecoder(Limits limits) {
        this.limits = limits;
    }

    private static AsyncXMLInputFactory factory() {
        AsyncXMLInputFactory factory = new InputFactoryImpl();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_COALESCING, false);
        return factory;
    }

    private static final class Builder {
        final String name;
        final String namespace;
        final Map<String, String> attributes;
        final List<Object> children = new ArrayList<>();

        Builder(String name, String namespace, Map<String, String> attributes) {
            this.name = name;
            this.namespace = namespace;
            this.attributes = attributes;
        }

        XmlElement build() {
            return new XmlElement(name, namespace, attributes, children);
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        read(in, out);
    }

    /**
     * Reads what {@code in} holds, adding the {@link StreamEvent}s it completes to {@code out}: for framings that
     * hand over whole messages (a WebSocket frame) instead of a byte stream.
     */
    public void read(ByteBuf in, List<Object> out) {
        if (closed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        byte[] bytes = new byte[in.readableBytes()];
        in.readBytes(bytes);
        fed += bytes.length;
        try {
            reader.getInputFeeder().feedInput(bytes, 0, bytes.length);
            for (int event = reader.next(); event != AsyncXMLStreamReader.EVENT_INCOMPLETE && !closed;
                    event = reader.next()) {
                onEvent(event, out);
            }
        } catch (XMLStreamException | UncheckedStreamException e) {
            // Aalto reports what it meets reading text lazily, unchecked.
            throw new StreamErrorException(StreamError.NOT_WELL_FORMED, e.getMessage());
        }
        if (!closed && fed - boundary > limits.maxStanzaBytes()) {
            throw new StreamErrorException(StreamError.POLICY_VIOLATION,
                    "a stanza over " + limits.maxStanzaBytes() + " bytes");
        }
    }

    private void onEvent(int event, List<Object> out) throws XMLStreamException {
        switch (event) {
            case XMLStreamConstants.START_ELEMENT -> started(out);
            case XMLStreamConstants.END_ELEMENT -> ended(out);
            case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> text();
            case XMLStreamConstants.COMMENT -> restricted("a comment");
            case XMLStreamConstants.PROCESSING_INSTRUCTION -> restricted("a processing instruction");
            case XMLStreamConstants.DTD -> restricted("a DTD");
            case XMLStreamConstants.ENTITY_REFERENCE -> restricted("an entity reference");
            default -> {
                // The document's start (the XML declaration) and end say nothing to the stream.
            }
        }
    }

    /** Whether the bytes read so far ended a top-level element: no element is open below the root. */
    public boolean betweenStanzas() {
        return open.isEmpty();
    }

    private static void restricted(String what) {
        throw new StreamErrorException(StreamError.RESTRICTED_XML, what);
    }

    private void started(List<Object> out) throws XMLStreamException {
        if (reader.getAttributeCount() > limits.maxAttributes()) {
            throw new StreamErrorException(StreamError.POLICY_VIOLATION,
                    "an element with over " + limits.maxAttributes() + " attributes");
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        for (int i = 0; i < reader.getAttributeCount(); i++) {
            String prefix = reader.getAttributePrefix(i);
            String name = reader.getAttributeLocalName(i);
            attributes.put(prefix == null || prefix.isEmpty() ? name : prefix + ":" + name,
                    reader.getAttributeValue(i));
        }
        String namespace = reader.getNamespaceURI();
        if (!rootOpen) {
            rootOpen = true;
            markBoundary();
            out.add(new StreamEvent.Opened(new XmlElement(reader.getLocalName(), namespace, attributes, List.of())));
            return;
        }
        if (open.size() >= limits.maxDepth()) {
            throw new StreamErrorException(StreamError.POLICY_VIOLATION,
                    "a stanza over " + limits.maxDepth() + " levels deep");
        }
        open.addLast(new Builder(reader.getLocalName(), namespace, attributes));
    }

    private void ended(List<Object> out) throws XMLStreamException {
        if (open.isEmpty()) {
            closed = true;
            out.add(new StreamEvent.Closed());
            return;
        }
        XmlElement element = open.removeLast().build();
        if (open.isEmpty()) {
            // A stanza that came whole within one read is measured here; one still arriving, after each read.
            if (reader.getLocationInfo().getEndingByteOffset() - boundary > limits.maxStanzaBytes()) {
                throw new StreamErrorException(StreamError.POLICY_VIOLATION,
                        "a stanza over " + limits.maxStanzaBytes() + " bytes");
            }
            markBoundary();
            out.add(new StreamEvent.Stanza(element));
        } else {
            open.getLast().children.add(element);
        }
    }

    private void text() throws XMLStreamException {
        String text = reader.getText();
        if (!open.isEmpty()) {
            open.getLast().children.add(text);
            return;
        }
        if (!text.isBlank()) {
            throw new StreamErrorException(StreamError.BAD_FORMAT, "text outside any stanza");
        }
        markBoundary();
    }

    /** The bytes read so far are done with: what follows is counted against the next top-level element. */
    private void markBoundary() throws XMLStreamException {
        boundary = reader.getLocationInfo().getEndingByteOffset();
    }
}
