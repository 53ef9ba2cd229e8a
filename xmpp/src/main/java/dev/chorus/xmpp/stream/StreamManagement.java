package dev.chorus.xmpp.stream;

import dev.chorus.xmpp.xml.StreamError;
import dev.chorus.xmpp.xml.XmlElement;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stream management (XEP-0198) as one stream negotiates it: {@code <enable/>} on a bound stream, {@code <r/>} and
 * {@code <a/>}, and {@code <resume/>} instead of binding — of a session this node holds, or of one another node
 * recorded, restored here first. The session does the counting and keeping; this says what the client asked.
 */
final class StreamManagement {
    private static final Logger log = LoggerFactory.getLogger(StreamManagement.class);

    private final XmppStream stream;
    private final StreamTransport transport;
    private final ResourceBinder binder;
    private final Resumptions resumptions;
    private final StreamSettings settings;

    StreamManagement(XmppStream stream, StreamTransport transport, ResourceBinder binder, Resumptions resumptions,
            StreamSettings settings) {
        this.stream = stream;
        this.transport = transport;
        this.binder = binder;
        this.resumptions = resumptions;
        this.settings = settings;
    }

    /**
     * One of the client's requests, on the stream's thread.
     *
     * @param current  the session the stream carries; null before it binds or resumes one
     * @param username who logged in on the stream
     * @return false when it is no request of XEP-0198
     */
    boolean handle(XmlElement element, XmppSession current, String username) {
        switch (element.name()) {
            case "resume" -> {
                if (current == null) {
                    resume(element, username);
                } else {
                    refuse("unexpected-request");
                }
            }
            case "enable" -> {
                if (current == null) {
                    refuse("unexpected-request");
                } else {
                    current.onThread(() -> stream.write(current.managed() ? failed("unexpected-request")
                            : current.enable("true".equals(element.attribute("resume"))
                                    || "1".equals(element.attribute("resume")))));
                }
            }
            case "r" -> {
                if (current != null) {
                    current.onThread(() -> {
                        if (current.managed()) {
                            current.acknowledge();
                        }
                    });
                }
            }
            case "a" -> {
                long h = counter(element.attribute("h"));
                if (current != null) {
                    current.onThread(() -> {
                        if (current.managed() && (h < 0 || !current.acknowledged(h))) {
                            stream.end(StreamError.UNDEFINED_CONDITION, "acknowledged " + element.attribute("h")
                                    + " stanzas of " + current.sent() + " sent");
                        }
                    });
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    /**
     * A session of this user's resumed on this stream (XEP-0198 §5), instead of a resource bound afresh: a session
     * this node holds, or one another node recorded, taken over and restored here first.
     */
    private void resume(XmlElement request, String username) {
        String id = request.attribute("previd");
        long h = counter(request.attribute("h"));
        XmppSession held = resumptions.find(id);
        if (id == null || h < 0 || held != null && !username.equalsIgnoreCase(held.username())) {
            refuse("item-not-found");
            return;
        }
        stream.busy(true);
        if (held != null) {
            resumeOn(held, h, false);
            return;
        }
        resumptions.store().claim(id, username).whenComplete((recorded, error) -> stream.onThread(() -> {
            if (error != null) {
                log.warn("the session {} of {} could not be taken over from another node", id, username, error);
            }
            if (recorded == null) {
                stream.busy(false);
                refuse("item-not-found");
                return;
            }
            restore(id, recorded, h);
        }));
    }

    /** Binds here, as it was, the resource of a session another node recorded, then resumes it. */
    private void restore(String id, ResumptionStore.Recorded recorded, long h) {
        XmppSession restored = XmppSession.restored(id, recorded, transport.executor(), settings, resumptions);
        String resource = recorded.jid().substring(recorded.jid().indexOf('/') + 1);
        binder.restore(restored, recorded.username(), resource, recorded.state())
                .whenComplete((binding, error) -> stream.onThread(() -> {
                    if (error != null) {
                        log.warn("the resource {} of a session taken over from another node was not bound here",
                                recorded.jid(), XmppStream.cause(error));
                        restored.close(null);
                        stream.busy(false);
                        refuse("item-not-found");
                        return;
                    }
                    restored.bound(recorded.username(), recorded.jid(), binding.handler());
                    log.info("{} resumed here the session it had on another node", recorded.jid());
                    resumeOn(restored, h, true);
                }));
    }

    /** @param restored whether the session was restored for this stream, and has no other to wait for */
    private void resumeOn(XmppSession previous, long h, boolean restored) {
        previous.onThread(() -> {
            List<XmlElement> missed = previous.ended() ? null : previous.resume(stream, h);
            if (missed == null && restored) {
                previous.close(null);
            }
            XmlElement resumed = missed == null ? null : previous.resumed();
            stream.onThread(() -> {
                stream.busy(false);
                if (missed == null) {
                    refuse("item-not-found");
                    return;
                }
                if (stream.closed()) {
                    previous.onThread(() -> previous.detach(stream));
                    return;
                }
                stream.carry(previous);
                transport.send(resumed);
                missed.forEach(transport::send);
                previous.onThread(previous::caughtUp);
            });
        });
    }

    private void refuse(String condition) {
        transport.send(failed(condition));
    }

    private static XmlElement failed(String condition) {
        return XmlElement.builder("failed", Namespaces.SM)
                .child(XmlElement.empty(condition, Namespaces.STANZA_ERRORS)).build();
    }

    /** A counter of XEP-0198 (an unsigned 32-bit number); -1 when it is none. */
    private static long counter(String text) {
        try {
            long value = Long.parseLong(text);
            return value >= 0 && value < (1L << 32) ? value : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
