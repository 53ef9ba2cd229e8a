package dev.chorus.engine.sio;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class MembersTest {
    @Test
    void aSmallSetIsReplacedAndTheOldOneStaysAsItWas() {
        Set<String> one = Members.with(null, "a");
        Set<String> two = Members.with(one, "b");

        assertThat(one).containsExactly("a");
        assertThat(two).containsExactlyInAnyOrder("a", "b");
        assertThat(Members.with(two, "b")).isSameAs(two);
        assertThat(Members.without(two, "a")).containsExactly("b");
        assertThat(two).containsExactlyInAnyOrder("a", "b");
        assertThat(Members.without(one, "a")).isEmpty();
        assertThat(Members.without(one, "z")).isSameAs(one);
    }

    @Test
    void aLargeSetBecomesConcurrentAndChangesInPlace() {
        Set<String> members = null;
        for (int i = 0; i <= Members.SMALL; i++) {
            members = Members.with(members, "s" + i);
        }
        assertThat(members).isInstanceOf(ConcurrentHashMap.KeySetView.class).hasSize(Members.SMALL + 1);

        Set<String> grown = Members.with(members, "extra");
        assertThat(grown).isSameAs(members).contains("extra");
        assertThat(Members.without(grown, "s0")).isSameAs(members).doesNotContain("s0");
    }
}
