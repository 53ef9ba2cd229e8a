package dev.chorus.xmpp.bosh;

import dev.chorus.xmpp.http.Caller;
import dev.chorus.xmpp.stream.Namespaces;
import dev.chorus.xmpp.stream.StreamServices;
import dev.chorus.xmpp.stream.StreamTransport;
import dev.chorus.xmpp.stream.StreamXml;
import dev.chorus.xmpp.stream.XmppStream;
import dev.chorus.xmpp.xml.StreamEvent;
import dev.chorus.xmpp.xml.XmlElement;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One BOSH session (XEP-0124, XEP-0206): an XMPP stream carried by HTTP requests. The client's requests come in
 * numbered ({@code rid}) and are taken in that order; each is held until the server has something to say, or until
 * {@code wait} passes, and answered with what the stream wrote meanwhile. At most {@code hold} requests are held; a
 * request repeated (its answer lost) gets the same answer again. A session with no request held for
 * {@code inactivity} ends. Everything happens on the executor the session was created on.
 */
final class BoshSession implements StreamTransport {
    /** The HTTP binding's namespace. */
    static final String HTTPBIND = "http://jabber.org/protocol/httpbind";
    static final String XBOSH = "urn:xmpp:xbosh";

    /** A request the session holds, and how it is answered. */
    interface Held {
        void answer(String body);
    }

    /** @param held how the request is answered; null once it was answered while it waited for an earlier one */
    private record Request(long rid, XmlElement body, Held held) {
    }

    private final String sid;
    private final EventExecutor executor;
    private final Caller caller;
    private final BoshSettings settings;
    private final Duration wait;
    private final int hold;
    private final Consumer<BoshSession> ended;
    private final XmppStream stream;
    /** The next request to take, by rid; those that came early wait in {@link #early}. */
    private long nextRid;
    private final Map<Long, Request> early = new TreeMap<>();
    /** Requests held, oldest first, each with its wait timer. */
    private final LinkedList<Waiting> waiting = new LinkedList<>();
    /** What the stream wrote that no answer carried yet. */
    private final List<String> pending = new ArrayList<>();
    /** The last answers, by rid, for requests the client repeats. */
    private final Map<Long, String> answers = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, String> eldest) {
            return size() > hold + 1;
        }
    };
    private String creation;
    private boolean flushQueued;
    private boolean terminated;
    private String termination;
    private ScheduledFuture<?> inactivity;

    private record Waiting(long rid, Held held, ScheduledFuture<?> timer) {
    }

    /**
     * @param first the session creation request (XEP-0124 §7.1), whose answer the session writes
     * @param ended told when the session ends, to forget it
     */
    BoshSession(String sid, EventExecutor executor, Caller caller, BoshSettings settings, StreamServices services,
            XmlElement first, long rid, Held held, Consumer<BoshSession> ended) {
        this.sid = sid;
        this.executor = executor;
        this.caller = caller;
        this.settings = settings;
        this.wait = Duration.ofSeconds(Math.max(1, Math.min(settings.maxWait().toSeconds(),
                number(first.attribute("wait"), settings.maxWait().toSeconds()))));
        this.hold = (int) Math.max(1, Math.min(settings.maxHold(), number(first.attribute("hold"), 1)));
        this.ended = ended;
        this.nextRid = rid + 1;
        this.stream = services.open(this);
        hold(rid, held);
        stream.onEvent(new StreamEvent.Opened(header(first)));
    }

    String sid() {
        return sid;
    }

    /** A request of this session, on the session's executor. */
    void request(long rid, XmlElement body, Held held) {
        if (terminated) {
            held.answer(terminate(termination == null ? "item-not-found" : termination, null));
            return;
        }
        if (rid < nextRid) {
            String answered = answers.get(rid);
            if (answered != null) {
                held.answer(answered);
            } else if (!holdAgain(rid, held)) {
                held.answer(terminate("item-not-found", null));
            }
            return;
        }
        if (rid >= nextRid + hold + 1) {
            held.answer(terminate("item-not-found", null));
            end("item-not-found");
            return;
        }
        Request repeated = early.put(rid, new Request(rid, body, held));
        if (repeated != null && repeated.held() != null) {
            repeated.held().answer(body(List.of()));
        }
        for (Request next = early.remove(nextRid); next != null; next = early.remove(nextRid)) {
            nextRid++;
            take(next);
        }
        if (early.containsKey(rid)) {
            executor.schedule(() -> answerEarly(rid), wait.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * A held request sent again (XEP-0124 §14.3): its connection broke on the way — a proxy or a forwarding node
     * died — so the client, or a proxy retrying it elsewhere, repeats it. The repeat is answered in its place; the
     * first, abandoned, is answered empty at once rather than left open.
     *
     * @return whether {@code rid} was held
     */
    private boolean holdAgain(long rid, Held held) {
        for (var requests = waiting.listIterator(); requests.hasNext();) {
            Waiting first = requests.next();
            if (first.rid() == rid) {
                requests.set(new Waiting(rid, held, first.timer()));
                first.held().answer(body(List.of()));
                return true;
            }
        }
        return false;
    }

    /**
     * A request that came before an earlier one is answered empty when that one is still missing after {@code wait}
     * (the client may have lost it and will send it again): it is taken, in its turn, when the gap is filled.
     */
    private void answerEarly(long rid) {
        Request waited = early.get(rid);
        if (waited != null && waited.held() != null) {
            early.put(rid, new Request(rid, waited.body(), null));
            String empty = body(List.of());
            answers.put(rid, empty);
            waited.held().answer(empty);
        }
    }

    private void take(Request request) {
        if (request.held() != null) {
            hold(request.rid(), request.held());
        }
        XmlElement body = request.body();
        if ("true".equals(body.attribute("xmpp:restart"))) {
            stream.onEvent(new StreamEvent.Opened(header(body)));
        }
        for (XmlElement stanza : body.elements()) {
            if (terminated) {
                return;
            }
            stream.onEvent(new StreamEvent.Stanza(stanza));
        }
        if ("terminate".equals(body.attribute("type")) && !terminated) {
            stream.onEvent(new StreamEvent.Closed());
        }
    }

    /** Holds a request, answering the oldest at once when more than {@code hold} would be held. */
    private void hold(long rid, Held held) {
        if (inactivity != null) {
            inactivity.cancel(false);
            inactivity = null;
        }
        ScheduledFuture<?> timer = executor.schedule(() -> expire(rid), wait.toMillis(), TimeUnit.MILLISECONDS);
        waiting.addLast(new Waiting(rid, held, timer));
        while (waiting.size() > hold) {
            answerOldest();
        }
        if (!pending.isEmpty()) {
            flushSoon();
        }
    }

    /** A held request's {@code wait} passed with nothing to say: it is answered empty. */
    private void expire(long rid) {
        if (!waiting.isEmpty() && waiting.peekFirst().rid() == rid) {
            answerOldest();
        } else {
            waiting.removeIf(held -> {
                if (held.rid() == rid) {
                    respond(held, body(List.of()));
                    return true;
                }
                return false;
            });
        }
        idleIfNothingHeld();
    }

    private void answerOldest() {
        Waiting oldest = waiting.pollFirst();
        List<String> said = List.copyOf(pending);
        pending.clear();
        respond(oldest, creation != null ? creationBody(said) : body(said));
        creation = null;
    }

    private void respond(Waiting held, String body) {
        held.timer().cancel(false);
        answers.put(held.rid(), body);
        held.held().answer(body);
    }

    private void idleIfNothingHeld() {
        if (waiting.isEmpty() && !terminated && inactivity == null) {
            inactivity = executor.schedule(() -> {
                if (waiting.isEmpty()) {
                    end(null);
                }
            }, settings.inactivity().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Writes what the stream said in the next answer, once the current task has said all it has to. */
    private void flushSoon() {
        if (flushQueued) {
            return;
        }
        flushQueued = true;
        executor.execute(() -> {
            flushQueued = false;
            if (!waiting.isEmpty() && !pending.isEmpty()) {
                answerOldest();
                idleIfNothingHeld();
            }
        });
    }

    @Override
    public void open(String streamId, String domain) {
        if (creation == null && answers.isEmpty() && waiting.size() == 1 && pending.isEmpty()) {
            creation = streamId;
        }
    }

    @Override
    public void send(XmlElement element) {
        if (terminated) {
            return;
        }
        pending.add(StreamXml.write(element, "", false));
        flushSoon();
    }

    @Override
    public void drop() {
        // BOSH has no connection to lose: the session ends, and its client opens another and resumes there.
        close(null);
    }

    @Override
    public void close(XmlElement error) {
        if (terminated) {
            return;
        }
        String condition = error == null ? null : "remote-stream-error";
        String last = terminate(condition, error == null ? null : StreamXml.write(error, "", false));
        terminated = true;
        termination = condition == null ? "item-not-found" : condition;
        while (!waiting.isEmpty()) {
            Waiting held = waiting.pollFirst();
            respond(held, waiting.isEmpty() ? last : body(List.of()));
        }
        finish();
    }

    /** Ends the session from this side (the node stops, or the client broke its terms): the stream goes with it. */
    void end(String condition) {
        if (terminated) {
            return;
        }
        terminated = true;
        termination = condition == null ? "item-not-found" : condition;
        while (!waiting.isEmpty()) {
            respond(waiting.pollFirst(), terminate(condition, null));
        }
        stream.onTransportClosed();
        finish();
    }

    private void finish() {
        if (inactivity != null) {
            inactivity.cancel(false);
        }
        ended.accept(this);
    }

    @Override
    public boolean isProtected() {
        return caller.protectedConnection();
    }

    @Override
    public boolean canStartTls() {
        return false;
    }

    @Override
    public void startTls(XmlElement proceed) {
        throw new UnsupportedOperationException("BOSH is protected by its HTTPS, never by STARTTLS");
    }

    @Override
    public void restartAfter(XmlElement success) {
        // The client asks for the restart in its next request (xmpp:restart='true', XEP-0206 §5).
        send(success);
    }

    @Override
    public EventExecutor executor() {
        return executor;
    }

    @Override
    public String client() {
        return caller.address();
    }

    /** The stream header a request stands for: its {@code to} and XMPP version. */
    private static XmlElement header(XmlElement body) {
        String version = body.attribute("xmpp:version");
        return XmlElement.builder("open", Namespaces.FRAMING).attribute("to", body.attribute("to"))
                .attribute("version", version == null ? "1.0" : version).build();
    }

    /** The answer to the session creation request (XEP-0124 §7.1, XEP-0206 §5). */
    private String creationBody(List<String> said) {
        StringBuilder xml = new StringBuilder("<body xmlns='").append(HTTPBIND)
                .append("' xmlns:xmpp='").append(XBOSH).append("' xmlns:stream='").append(Namespaces.STREAMS)
                .append("' sid='").append(sid).append("' wait='").append(wait.toSeconds())
                .append("' requests='").append(hold + 1).append("' hold='").append(hold)
                .append("' inactivity='").append(settings.inactivity().toSeconds())
                .append("' polling='").append(settings.polling().toSeconds())
                .append("' ver='1.11' from='").append(settings.domain()).append("' authid='").append(creation)
                .append("' xmpp:version='1.0' xmpp:restartlogic='true'>");
        said.forEach(xml::append);
        return xml.append("</body>").toString();
    }

    private static String body(List<String> said) {
        if (said.isEmpty()) {
            return "<body xmlns='" + HTTPBIND + "'/>";
        }
        StringBuilder xml = new StringBuilder("<body xmlns='").append(HTTPBIND).append("' xmlns:stream='")
                .append(Namespaces.STREAMS).append("'>");
        said.forEach(xml::append);
        return xml.append("</body>").toString();
    }

    /** A terminating answer (XEP-0124 §17.2), with what it carries (a stream error); condition null for none. */
    static String terminate(String condition, String content) {
        StringBuilder xml = new StringBuilder("<body xmlns='").append(HTTPBIND).append("' type='terminate'");
        if (condition != null) {
            xml.append(" condition='").append(condition).append('\'');
        }
        if (content == null) {
            return xml.append("/>").toString();
        }
        return xml.append(" xmlns:stream='").append(Namespaces.STREAMS).append("'>").append(content)
                .append("</body>").toString();
    }

    private static long number(String text, long otherwise) {
        try {
            return text == null ? otherwise : Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }
}
