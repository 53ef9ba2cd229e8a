package dev.chorus.core.contact;

import dev.chorus.core.store.EmbeddedDatabase;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.h2.mvstore.MVMap;

/**
 * Contact records in the embedded database, under {@code <user> <contact>} (a space sorts before every character a
 * username may hold, so one user's records are one run of keys), committed at once.
 */
public final class EmbeddedContactStore implements ContactStore {
    private final EmbeddedDatabase db;
    private final MVMap<String, String> records;

    public EmbeddedContactStore(EmbeddedDatabase db) {
        this.db = db;
        this.records = db.map("contacts");
    }

    @Override
    public CompletableFuture<List<Contact>> all(String user) {
        return db.run(() -> {
            List<Contact> contacts = new ArrayList<>();
            String prefix = prefix(user);
            Iterator<String> keys = records.keyIterator(prefix);
            while (keys.hasNext()) {
                String key = keys.next();
                if (!key.startsWith(prefix)) {
                    break;
                }
                contacts.add(ContactRecord.read(key.substring(prefix.length()), records.get(key)));
            }
            return contacts;
        });
    }

    @Override
    public CompletableFuture<Optional<Contact>> find(String user, String contact) {
        return db.run(() -> Optional.ofNullable(ContactRecord.read(contact.toLowerCase(Locale.ROOT),
                records.get(key(user, contact)))));
    }

    @Override
    public CompletableFuture<Optional<ContactChange>> edit(String user, String contact, ContactEdit edit, int max) {
        return db.run(() -> {
            String key = key(user, contact);
            String stored = records.get(key);
            String edited = edit.applyTo(stored);
            if (stored == null && edited != null && count(user) >= max) {
                return Optional.empty();
            }
            if (edited == null) {
                records.remove(key);
            } else {
                records.put(key, edited);
            }
            db.commit();
            String username = contact.toLowerCase(Locale.ROOT);
            return Optional.of(new ContactChange(ContactRecord.read(username, stored),
                    ContactRecord.read(username, edited)));
        });
    }

    @Override
    public CompletableFuture<Optional<Contact>> remove(String user, String contact) {
        return db.run(() -> {
            String removed = records.remove(key(user, contact));
            db.commit();
            return Optional.ofNullable(ContactRecord.read(contact.toLowerCase(Locale.ROOT), removed));
        });
    }

    private int count(String user) {
        String prefix = prefix(user);
        int count = 0;
        Iterator<String> keys = records.keyIterator(prefix);
        while (keys.hasNext() && keys.next().startsWith(prefix)) {
            count++;
        }
        return count;
    }

    private static String prefix(String user) {
        return user.toLowerCase(Locale.ROOT) + " ";
    }

    private static String key(String user, String contact) {
        return prefix(user) + contact.toLowerCase(Locale.ROOT);
    }
}
