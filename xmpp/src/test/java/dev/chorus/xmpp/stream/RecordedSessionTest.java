package dev.chorus.xmpp.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.xmpp.xml.XmlElement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Stream management in a cluster: a resumable session recorded beyond its node as it goes — a stanza reaches the
 * client once recorded, an acknowledgement once its count is — restored from the record on another node, and let
 * go when another node takes it.
 */
class RecordedSessionTest {
    private static final Pattern ID = Pattern.compile("id='([^']+)'");
    private static final String ENABLE = "<enable xmlns='urn:xmpp:sm:3' resume='true'/>";

    private final TestAccounts accounts = new TestAccounts();
    private final Store store = new Store();
    private final StreamServices services = new StreamServices(new StreamSettings("example.com", false, 3,
            Duration.ofSeconds(60), Duration.ofSeconds(30), 100, 100, Duration.ofMinutes(5), 100), accounts,
            accounts, new Resumptions(store));
    private final TestStreamClient first = new TestStreamClient(services);
    private final TestStreamClient second = new TestStreamClient(services);

    @AfterEach
    void close() {
        first.channel().finishAndReleaseAll();
        second.channel().finishAndReleaseAll();
    }

    @Test
    void aStanzaReachesTheClientOnlyOnceRecorded() {
        String id = enabled();
        assertThat(store.opened).containsExactly(id + " Alice alice@example.com/phone");
        store.completeAll(true);

        deliver("one");
        first.channel().runPendingTasks();
        assertThat(first.read()).as("not before it is recorded").isEmpty();
        assertThat(store.lastWrite().sent()).singleElement().asString().contains("<body>one</body>");

        store.completeAll(true);
        assertThat(first.read()).contains("<body>one</body>");
    }

    @Test
    void stanzasReachTheClientInTheOrderSentWhicheverWriteIsDoneFirst() {
        enabled();
        store.completeAll(true);
        deliver("first");
        first.channel().runPendingTasks();
        deliver("second");
        first.channel().runPendingTasks();
        assertThat(store.pending).hasSize(2);

        store.pending.get(1).complete(true);
        assertThat(first.read()).as("not ahead of the first").isEmpty();
        store.pending.get(0).complete(true);
        String read = first.read();
        assertThat(read.indexOf("first")).isNotNegative().isLessThan(read.indexOf("second"));
    }

    @Test
    void anAcknowledgementIsRecordedBeforeItIsGiven() {
        enabled();
        store.completeAll(true);
        first.send("<message to='bob@example.com' id='m1'><body>hi</body></message>");

        assertThat(first.send("<r xmlns='urn:xmpp:sm:3'/>")).isEmpty();
        assertThat(store.lastWrite().received()).as("the count the answer gives, recorded however fresh").isEqualTo(1);
        store.completeAll(true);
        assertThat(first.read()).isEqualTo("<a xmlns='urn:xmpp:sm:3' h='1'/>");
    }

    @Test
    void aReceivedStanzaIsRecordedAsReceivedOnceSettled() {
        enabled();
        store.completeAll(true);
        first.send("<message to='bob@example.com' id='m1'><body>hi</body></message>");
        deliver("at once");
        first.channel().runPendingTasks();
        assertThat(store.lastWrite().received()).as("not yet: what it asked may still be under way").isZero();

        first.channel().advanceTimeBy(250, TimeUnit.MILLISECONDS);
        first.channel().runScheduledPendingTasks();
        first.channel().runPendingTasks();
        first.channel().advanceTimeBy(250, TimeUnit.MILLISECONDS);
        first.channel().runScheduledPendingTasks();
        first.channel().runPendingTasks();
        assertThat(store.lastWrite().received()).isEqualTo(1);
    }

    @Test
    void acknowledgedStanzasLeaveTheRecordAndTheStateFollowsTheResource() {
        enabled();
        assertThat(store.lastWrite().state()).isEqualTo("state of 0");
        store.completeAll(true);
        deliver("one");
        deliver("two");
        first.channel().runPendingTasks();
        store.completeAll(true);
        first.read();

        first.send("<a xmlns='urn:xmpp:sm:3' h='1'/>");
        first.channel().runPendingTasks();
        assertThat(store.lastWrite().acknowledged()).isEqualTo(1);
        accounts.clients.get(0).stateChanged();
        first.channel().runPendingTasks();
        assertThat(store.lastWrite().state()).isEqualTo("state of 0");
    }

    @Test
    void aSessionRecordedByAnotherNodeIsRestoredHereAndResumed() {
        store.toClaim = new ResumptionStore.Recorded("Alice", "alice@example.com/phone", 3, 7,
                List.of("<message xmlns='jabber:client' to='alice@example.com/phone'><body>missed</body></message>"),
                "where it was", store.new Record());

        second.loggedIn();
        String resumed = second.send("<resume xmlns='urn:xmpp:sm:3' previd='elsewhere' h='7'/>");

        assertThat(accounts.restored).containsExactly("where it was");
        assertThat(resumed).startsWith("<resumed xmlns='urn:xmpp:sm:3' previd='elsewhere' h='3'/>")
                .contains("<body>missed</body>");
        assertThat(second.send("<message to='bob@example.com'><body>sent again</body></message>")).isEmpty();
        assertThat(accounts.handled).extracting(stanza -> stanza.attribute("from"))
                .containsExactly("alice@example.com/phone");
        assertThat(accounts.handled.get(0).attribute("id")).as("named by its count, as the first node named it")
                .isEqualTo("sm-elsewhere-4");
    }

    @Test
    void aMessageWithoutAnIdIsNamedByItsCountSoThatASecondNodeKnowsItsResend() {
        String id = enabled();
        store.completeAll(true);
        first.send("<message to='bob@example.com'><body>no id</body></message>");
        first.send("<message to='bob@example.com' id='own'><body>its own</body></message>");

        assertThat(accounts.handled).extracting(stanza -> stanza.attribute("id"))
                .containsExactly("sm-" + id + "-1", "own");
    }

    @Test
    void aSessionNoNodeCanGiveIsNotResumed() {
        second.loggedIn();
        assertThat(second.send("<resume xmlns='urn:xmpp:sm:3' previd='nowhere' h='0'/>")).contains("<failed")
                .contains("<item-not-found");
        assertThat(accounts.restored).isEmpty();
    }

    @Test
    void aSessionAnotherNodeTookIsLetGoWithoutAWord() {
        enabled();
        store.completeAll(true);
        deliver("one");
        first.channel().runPendingTasks();

        store.completeAll(false);
        assertThat(first.read()).as("no stream end: the client is elsewhere").doesNotContain("</stream:stream>");
        assertThat(first.channel().isActive()).isFalse();
        assertThat(accounts.moved).isEqualTo(1);
        assertThat(accounts.closed).isZero();
        assertThat(store.deleted).as("the record is the other node's").isZero();
    }

    @Test
    void aSessionAskedForByAnotherNodeIsHandedOver() {
        String id = enabled();
        store.completeAll(true);

        store.handOver.accept(id);
        first.channel().runPendingTasks();

        assertThat(store.released).containsExactly(id);
        assertThat(first.read()).as("dropped, as a lost connection is").doesNotContain("</stream:stream>");
        assertThat(first.channel().isActive()).isFalse();
        assertThat(accounts.moved).isEqualTo(1);
        assertThat(accounts.closed).isZero();
    }

    @Test
    void anEndedSessionsRecordIsDeleted() {
        enabled();
        store.completeAll(true);
        first.send("</stream:stream>");
        assertThat(store.deleted).isEqualTo(1);
        assertThat(accounts.closed).isEqualTo(1);
    }

    private String enabled() {
        first.bound("phone");
        String enabled = first.send(ENABLE);
        Matcher id = ID.matcher(enabled);
        assertThat(id.find()).as(enabled).isTrue();
        first.channel().runPendingTasks();
        return id.group(1);
    }

    private void deliver(String text) {
        accounts.clients.get(0).send(XmlElement.builder("message", Namespaces.CLIENT)
                .attribute("from", "bob@example.com/desk").attribute("to", "alice@example.com/phone")
                .child("body", Namespaces.CLIENT, text).build());
    }

    /** Records kept in memory, each write answered when the test says. */
    private static final class Store implements ResumptionStore {
        final List<String> opened = new ArrayList<>();
        final List<ResumptionRecord.Change> writes = new ArrayList<>();
        final List<CompletableFuture<Boolean>> pending = new ArrayList<>();
        final List<String> released = new ArrayList<>();
        int deleted;
        Recorded toClaim;
        Consumer<String> handOver;

        @Override
        public boolean shared() {
            return true;
        }

        @Override
        public ResumptionRecord open(String id, String username, String jid) {
            opened.add(id + " " + username + " " + jid);
            return new Record();
        }

        @Override
        public CompletableFuture<Recorded> claim(String id, String username) {
            return CompletableFuture.completedFuture(toClaim);
        }

        @Override
        public CompletableFuture<Void> release(String id) {
            released.add(id);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void onHandOver(Consumer<String> asked) {
            handOver = asked;
        }

        ResumptionRecord.Change lastWrite() {
            return writes.get(writes.size() - 1);
        }

        void completeAll(boolean kept) {
            List<CompletableFuture<Boolean>> now = List.copyOf(pending);
            pending.clear();
            now.forEach(write -> write.complete(kept));
        }

        final class Record implements ResumptionRecord {
            @Override
            public CompletableFuture<Boolean> write(Change change) {
                writes.add(change);
                CompletableFuture<Boolean> written = new CompletableFuture<>();
                pending.add(written);
                return written;
            }

            @Override
            public void delete() {
                deleted++;
            }
        }
    }
}
