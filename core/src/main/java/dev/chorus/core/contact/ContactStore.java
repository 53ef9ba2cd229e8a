package dev.chorus.core.contact;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where each user's contact records live, beside the accounts: an embedded database on one node, Redis in a
 * cluster. Records are kept as {@link ContactRecord} describes; each edit of one record is atomic.
 */
public interface ContactStore {
    /** Every record of the user, listed or not, in no particular order. */
    CompletableFuture<List<Contact>> all(String user);

    /** The user's record of {@code contact}. */
    CompletableFuture<Optional<Contact>> find(String user, String contact);

    /**
     * Applies the edit to the user's record of {@code contact}, making it when there is none unless the user has
     * {@code max} records already; a record left with no flag set is deleted.
     *
     * @return the change; empty when the record would have been one too many
     */
    CompletableFuture<Optional<ContactChange>> edit(String user, String contact, ContactEdit edit, int max);

    /** Deletes the user's record of {@code contact}. @return the record there was */
    CompletableFuture<Optional<Contact>> remove(String user, String contact);
}
