package dev.chorus.core.contact;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.core.store.EmbeddedDatabase;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Presence subscriptions as RFC 6121's appendix A walks them, both records at every step, in the embedded store. */
class ContactsTest {
    @TempDir
    Path dataDir;
    private EmbeddedDatabase db;
    private Contacts contacts;

    @BeforeEach
    void open() {
        db = EmbeddedDatabase.open(dataDir);
        contacts = new Contacts(new EmbeddedContactStore(db), 3);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void askingAndApprovingMakesAMirroredSubscription() throws Exception {
        Contacts.Asked asked = get(contacts.ask("alice", "Bob"));

        assertThat(asked).isInstanceOf(Contacts.Asked.Pending.class);
        ContactChanges pending = ((Contacts.Asked.Pending) asked).changes();
        assertThat(pending.ofUser().after()).isEqualTo(record("bob", true, false, false, true, false));
        assertThat(pending.ofContact().after()).isEqualTo(record("alice", false, false, false, false, true));
        assertThat(pending.ofContact().listChanged()).as("a request is not on Bob's list").isFalse();
        assertThat(get(contacts.list("bob"))).isEmpty();

        ContactChanges approved = get(contacts.approve("bob", "alice")).orElseThrow();

        assertThat(approved.ofUser().after()).isEqualTo(record("alice", true, false, true, false, false));
        assertThat(approved.ofContact().after()).isEqualTo(record("bob", true, true, false, false, false));
        assertThat(get(contacts.approve("bob", "alice"))).as("nothing pending any more").isEmpty();
        assertThat(get(contacts.ask("alice", "bob"))).isInstanceOf(Contacts.Asked.Approved.class);

        get(contacts.ask("bob", "alice"));
        get(contacts.approve("alice", "bob"));
        assertThat(get(contacts.list("alice"))).containsExactly(record("bob", true, true, true, false, false));
        assertThat(get(contacts.list("bob"))).containsExactly(record("alice", true, true, true, false, false));
    }

    @Test
    void approvingWhatNobodyAskedChangesNothing() throws Exception {
        assertThat(get(contacts.approve("bob", "alice"))).isEmpty();
        assertThat(get(contacts.records("bob"))).isEmpty();
        assertThat(get(contacts.records("alice"))).isEmpty();
    }

    @Test
    void cancellingAndRevokingUndoEachSide() throws Exception {
        get(contacts.ask("alice", "bob"));
        get(contacts.approve("bob", "alice"));
        get(contacts.ask("bob", "alice"));
        get(contacts.approve("alice", "bob"));

        ContactChanges cancelled = get(contacts.cancel("alice", "bob"));
        assertThat(cancelled.ofUser().after()).isEqualTo(record("bob", true, false, true, false, false));
        assertThat(cancelled.ofContact().after()).isEqualTo(record("alice", true, true, false, false, false));

        ContactChanges revoked = get(contacts.revoke("alice", "bob"));
        assertThat(revoked.ofUser().after()).isEqualTo(record("bob", true, false, false, false, false));
        assertThat(revoked.ofContact().after()).isEqualTo(record("alice", true, false, false, false, false));
    }

    @Test
    void sayingNoToARequestLeavesNoRecordBehind() throws Exception {
        get(contacts.ask("alice", "bob"));

        ContactChanges denied = get(contacts.revoke("bob", "alice"));

        assertThat(denied.ofUser().after()).as("Bob's unlisted request record is gone").isNull();
        assertThat(denied.ofContact().after()).isEqualTo(record("bob", true, false, false, false, false));
        assertThat(get(contacts.records("bob"))).isEmpty();
    }

    @Test
    void removingAContactEndsBothSubscriptionsOnTheirSide() throws Exception {
        get(contacts.save("alice", "bob", "Bobby", List.of("Friends")));
        get(contacts.ask("alice", "bob"));
        get(contacts.approve("bob", "alice"));
        get(contacts.ask("bob", "alice"));
        get(contacts.approve("alice", "bob"));

        Contacts.Removal removal = get(contacts.remove("alice", "bob"));

        assertThat(removal.removed().name()).isEqualTo("Bobby");
        assertThat(removal.removed().groups()).containsExactly("Friends");
        assertThat(removal.ofContact().after()).isEqualTo(record("alice", true, false, false, false, false));
        assertThat(get(contacts.list("alice"))).isEmpty();
        assertThat(get(contacts.remove("alice", "bob")).removed()).isNull();
    }

    @Test
    void savingKeepsTheSubscriptionAndChangesTheDetails() throws Exception {
        get(contacts.ask("alice", "bob"));

        ContactChange saved = get(contacts.save("alice", "BOB", "Bob B.", List.of("Work", "Chess"))).orElseThrow();

        assertThat(saved.after()).isEqualTo(new Contact("bob", "Bob B.", List.of("Work", "Chess"), true, false, false,
                true, false));
        assertThat(saved.listChanged()).isTrue();
    }

    @Test
    void aFullListTakesNoNewContactButStillChangesTheOnesOnIt() throws Exception {
        for (String name : List.of("bob", "carol", "dave")) {
            assertThat(get(contacts.save("alice", name, null, List.of()))).isPresent();
        }

        assertThat(get(contacts.save("alice", "erin", null, List.of()))).isEmpty();
        assertThat(get(contacts.ask("alice", "erin"))).isInstanceOf(Contacts.Asked.ListFull.class);
        assertThat(get(contacts.save("alice", "bob", "Bob", List.of()))).isPresent();
        assertThat(get(contacts.cancel("alice", "erin")).ofUser().changed()).isFalse();
        assertThat(get(contacts.list("alice"))).hasSize(3);
    }

    @Test
    void recordsSurviveAReopen() throws Exception {
        get(contacts.save("alice", "bob", "Bob \"the\" |Builder|", List.of("a|b")));
        db.close();
        db = EmbeddedDatabase.open(dataDir);

        assertThat(get(new EmbeddedContactStore(db).find("ALICE", "bob")))
                .hasValue(new Contact("bob", "Bob \"the\" |Builder|", List.of("a|b"), true, false, false, false,
                        false));
        assertThat(get(new EmbeddedContactStore(db).all("alic"))).as("another user's prefix").isEmpty();
    }

    private static Contact record(String username, boolean listed, boolean receives, boolean shares, boolean asked,
            boolean askedBy) {
        return new Contact(username, null, List.of(), listed, receives, shares, asked, askedBy);
    }

    private static <T> T get(CompletableFuture<T> future) throws Exception {
        return future.get(5, TimeUnit.SECONDS);
    }

}
