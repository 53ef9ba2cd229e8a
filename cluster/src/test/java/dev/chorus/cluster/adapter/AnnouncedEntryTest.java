package dev.chorus.cluster.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

class AnnouncedEntryTest {
    private static final String DATA = "{\"packet\":{\"type\":2,\"data\":[\"message\",{\"text\":\"héllo ✓ 👋\"}]}}";

    @Test
    void readsTheEntryItsIdsAndItsFieldsAsTheScriptPacksThem() throws IOException {
        AnnouncedEntry entry = AnnouncedEntry.read(announcement("1700000000000-3", "1700000000000-2", DATA));

        assertThat(entry.id()).isEqualTo(StreamId.parse("1700000000000-3"));
        assertThat(entry.previous()).isEqualTo(StreamId.parse("1700000000000-2"));
        assertThat(entry.fields()).containsEntry("uid", "a1b2c3").containsEntry("nsp", "/").containsEntry("type", "3")
                .containsEntry("data", DATA);
    }

    @Test
    void refusesWhatIsNoAnnouncement() throws IOException {
        byte[] whole = announcement("5-0", "4-0", DATA);

        assertThatThrownBy(() -> AnnouncedEntry.read(Arrays.copyOf(whole, whole.length - 10)))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> AnnouncedEntry.read(announcement("5-0", "not an id", DATA)))
                .isInstanceOf(IOException.class);
        try (MessageBufferPacker packer = MessagePack.newDefaultBufferPacker()) {
            packer.packArrayHeader(2).packString("5-0").packString("4-0");
            assertThatThrownBy(() -> AnnouncedEntry.read(packer.toByteArray())).isInstanceOf(IOException.class);
        }
    }

    /** Every node reads every entry of the cluster: what a read allocates is paid for by every delivery's pauses. */
    @Test
    void readingAnEntryAllocatesLittleMoreThanItsStrings() throws IOException {
        byte[] message = announcement("1700000000000-3", "1700000000000-2", DATA);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 2_000; i++) {
            AnnouncedEntry.read(message);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        int reads = 2_000;
        for (int i = 0; i < reads; i++) {
            AnnouncedEntry.read(message);
        }
        long perRead = (threads.getCurrentThreadAllocatedBytes() - before) / reads;

        assertThat(perRead).as("bytes allocated per entry read").isLessThan(4 * message.length + 1_024);
    }

    private static byte[] announcement(String id, String previous, String data) throws IOException {
        try (MessageBufferPacker packer = MessagePack.newDefaultBufferPacker()) {
            packer.packArrayHeader(6).packString(id).packString(previous).packString("a1b2c3").packString("/")
                    .packString("3").packString(data);
            return packer.toByteArray();
        }
    }
}
