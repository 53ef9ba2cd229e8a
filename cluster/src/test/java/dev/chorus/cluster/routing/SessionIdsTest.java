package dev.chorus.cluster.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SessionIdsTest {
    @Test
    void aSessionIdNamesItsNode() {
        SessionIds ids = new SessionIds("0123456789ab");
        String sid = ids.next();
        assertThat(sid).startsWith("0123456789ab").hasSize(32).isNotEqualTo(ids.next());
        assertThat(new SessionIds("ba9876543210").holderOf(sid)).isEqualTo("0123456789ab");
        assertThat(ids.holderOf("short")).isNull();
    }
}
