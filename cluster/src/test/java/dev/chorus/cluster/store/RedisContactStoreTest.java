package dev.chorus.cluster.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.core.contact.Contact;
import dev.chorus.core.contact.ContactChange;
import dev.chorus.core.contact.ContactEdit;
import dev.chorus.core.contact.ContactRecord;
import dev.chorus.core.contact.Contacts;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RedisContactStoreTest extends RedisStoreTest {
    @Test
    void editsInRedisAsTheRecordsOwnCodeDoes() throws Exception {
        RedisContactStore store = new RedisContactStore(backbone);
        Map<String, String> expected = new HashMap<>();
        Random random = new Random(17);
        for (int step = 0; step < 300; step++) {
            String contact = "user" + random.nextInt(4);
            ContactEdit edit = ContactEdit.edit();
            for (int flag = 0; flag < 5; flag++) {
                int choice = random.nextInt(3);
                if (choice < 2) {
                    boolean value = choice == 1;
                    switch (flag) {
                        case 0 -> edit.listed(value);
                        case 1 -> edit.receives(value);
                        case 2 -> edit.shares(value);
                        case 3 -> edit.asked(value);
                        default -> edit.askedBy(value);
                    }
                }
            }
            if (random.nextInt(4) == 0) {
                edit.details(random.nextBoolean() ? null : "Name \"" + step + "\"|", List.of("g" + step));
            }
            String before = expected.get(contact);
            String after = edit.applyTo(before);
            if (after == null) {
                expected.remove(contact);
            } else {
                expected.put(contact, after);
            }

            ContactChange change = get(store.edit("alice", contact, edit, 100)).orElseThrow();

            assertThat(change).as("step %d: %s", step, edit.mask()).isEqualTo(new ContactChange(
                    ContactRecord.read(contact, before), ContactRecord.read(contact, after)));
        }
        assertThat(get(store.all("ALICE"))).containsExactlyInAnyOrderElementsOf(expected.entrySet().stream()
                .map(entry -> ContactRecord.read(entry.getKey(), entry.getValue())).toList());
    }

    @Test
    void refusesANewRecordPastTheMaximumButNotAChangeOrAClearing() throws Exception {
        RedisContactStore store = new RedisContactStore(backbone);
        assertThat(get(store.edit("alice", "bob", ContactEdit.edit().listed(true), 1))).isPresent();

        assertThat(get(store.edit("alice", "carol", ContactEdit.edit().listed(true), 1))).isEmpty();
        assertThat(get(store.edit("alice", "carol", ContactEdit.edit().shares(false), 1)))
                .hasValue(new ContactChange(null, null));
        assertThat(get(store.edit("alice", "BOB", ContactEdit.edit().asked(true), 1))).isPresent();
        assertThat(get(store.all("alice"))).extracting(Contact::username).containsExactly("bob");
    }

    @Test
    void subscriptionsGoBothWaysThroughRedis() throws Exception {
        Contacts contacts = new Contacts(new RedisContactStore(backbone, "test:"), 10);

        get(contacts.ask("alice", "bob"));
        get(contacts.approve("bob", "alice"));

        assertThat(get(contacts.list("alice"))).containsExactly(new Contact("bob", null, List.of(), true, true,
                false, false, false));
        assertThat(get(contacts.remove("bob", "alice")).ofContact().after()).isEqualTo(new Contact("bob", null,
                List.of(), true, false, false, false, false));
        assertThat(get(backbone.strings().exists("test:contacts:alice").toCompletableFuture())).isEqualTo(1);
        assertThat(get(backbone.strings().exists("test:contacts:bob").toCompletableFuture())).isZero();
    }
}
