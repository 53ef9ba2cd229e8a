package dev.chorus.core.contact;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Contact lists and presence subscriptions, as RFC 6121 has them: a user lists others, asks to see their presence,
 * answers their asking, and cancels either way; each step changes both users' records, which stay each other's
 * mirror. Protocol-neutral: a face turns its requests into these steps and tells both users' clients what changed.
 * Each record's edit is atomic; a step edits the user's record first, then the contact's.
 */
public final class Contacts {
    private final ContactStore store;
    private final int maxPerUser;

    /** What came of asking to see a contact's presence. */
    public sealed interface Asked {
        /** The request is pending with the contact, who is to be asked. */
        record Pending(ContactChanges changes) implements Asked {
        }

        /** The contact shares their presence with the user already: the answer is yes, at once. */
        record Approved() implements Asked {
        }

        /** The user's list is full. */
        record ListFull(int max) implements Asked {
        }
    }

    /** @param maxPerUser the records one user may have: listed contacts and requests to them together */
    public Contacts(ContactStore store, int maxPerUser) {
        this.store = store;
        this.maxPerUser = maxPerUser;
    }

    public int maxPerUser() {
        return maxPerUser;
    }

    /** The user's list. */
    public CompletableFuture<List<Contact>> list(String user) {
        return store.all(user).thenApply(all -> all.stream().filter(Contact::listed).toList());
    }

    /** Every record of the user, requests they have not answered too. */
    public CompletableFuture<List<Contact>> records(String user) {
        return store.all(user);
    }

    /** Puts {@code contact} on the user's list under a name and in groups, or renames and regroups them. */
    public CompletableFuture<Optional<ContactChange>> save(String user, String contact, String name,
            List<String> groups) {
        return store.edit(user, contact, ContactEdit.edit().listed(true).details(name, groups), maxPerUser);
    }

    /**
     * Takes {@code contact} off the user's list, and ends what they share either way.
     *
     * @return what the user's record was (empty when there was none) and the change to the contact's
     */
    public CompletableFuture<Removal> remove(String user, String contact) {
        return store.remove(user, contact).thenCompose(removed -> {
            if (removed.isEmpty()) {
                return CompletableFuture.completedFuture(new Removal(null, ContactChanges.NONE));
            }
            Contact record = removed.get();
            ContactEdit theirs = ContactEdit.edit();
            if (record.receives() || record.asked()) {
                theirs.shares(false).askedBy(false);
            }
            if (record.shares() || record.askedBy()) {
                theirs.receives(false).asked(false);
            }
            return store.edit(contact, user, theirs, maxPerUser)
                    .thenApply(change -> new Removal(record, change.orElse(ContactChanges.NONE)));
        });
    }

    /** The user asks to see the contact's presence. */
    public CompletableFuture<Asked> ask(String user, String contact) {
        return store.find(contact, user).thenCompose(theirs -> {
            if (theirs.map(Contact::shares).orElse(false)) {
                return CompletableFuture.completedFuture(new Asked.Approved());
            }
            return store.edit(user, contact, ContactEdit.edit().listed(true).asked(true), maxPerUser)
                    .thenCompose(mine -> mine.isEmpty()
                            ? CompletableFuture.completedFuture(new Asked.ListFull(maxPerUser))
                            : store.edit(contact, user, ContactEdit.edit().askedBy(true), maxPerUser)
                                    .thenApply(their -> new Asked.Pending(new ContactChanges(mine.get(),
                                            their.orElse(ContactChanges.NONE)))));
        });
    }

    /**
     * The user lets {@code requester} see their presence, as asked.
     *
     * @return the changes; empty when the requester had not asked (nothing changes then)
     */
    public CompletableFuture<Optional<ContactChanges>> approve(String user, String requester) {
        return store.find(user, requester).thenCompose(mine -> {
            if (mine.isEmpty() || !mine.get().askedBy()) {
                return CompletableFuture.completedFuture(Optional.empty());
            }
            return store.edit(user, requester, ContactEdit.edit().listed(true).shares(true).askedBy(false),
                    maxPerUser).thenCompose(changed -> store.edit(requester, user,
                            ContactEdit.edit().receives(true).asked(false), maxPerUser)
                    .thenApply(theirs -> Optional.of(new ContactChanges(changed.orElse(ContactChanges.NONE),
                            theirs.orElse(ContactChanges.NONE)))));
        });
    }

    /** The user no longer sees the contact's presence, or withdraws the asking. */
    public CompletableFuture<ContactChanges> cancel(String user, String contact) {
        return both(user, contact, ContactEdit.edit().receives(false).asked(false),
                ContactEdit.edit().shares(false).askedBy(false));
    }

    /** The user no longer lets {@code other} see their presence, or says no to their asking. */
    public CompletableFuture<ContactChanges> revoke(String user, String other) {
        return both(user, other, ContactEdit.edit().shares(false).askedBy(false),
                ContactEdit.edit().receives(false).asked(false));
    }

    private CompletableFuture<ContactChanges> both(String user, String contact, ContactEdit mine,
            ContactEdit theirs) {
        // Clearing flags never makes a record, so the limit cannot refuse these.
        return store.edit(user, contact, mine, maxPerUser).thenCompose(changed -> store
                .edit(contact, user, theirs, maxPerUser)
                .thenApply(their -> new ContactChanges(changed.orElse(ContactChanges.NONE),
                        their.orElse(ContactChanges.NONE))));
    }

    /**
     * What taking a contact off a list did.
     *
     * @param removed   the user's record that was; null when there was none
     * @param ofContact the change to the contact's record of the user
     */
    public record Removal(Contact removed, ContactChange ofContact) {
    }
}
