package dev.chorus.engine.sio;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sets of an adapter's membership maps (a room's sockets, a socket's rooms). Most hold one or two entries: a
 * socket's own room, a user's room, a socket in its few rooms. Up to {@link #SMALL} entries a set is immutable and
 * replaced on change (a set of one is 24 bytes, a concurrent set about 150); past that it becomes a concurrent set
 * changed in place, so that a room of thousands does not copy itself on every join. Changes are made only inside
 * the owning {@link ConcurrentHashMap}'s {@code compute}, atomically for their key; readers iterate whichever set they
 * got, as they always could.
 */
final class Members {
    static final int SMALL = 8;

    private Members() {
    }

    /** The set with {@code id} added; null stands for no set yet. */
    static Set<String> with(Set<String> members, String id) {
        if (members == null) {
            return Set.of(id);
        }
        if (members.contains(id)) {
            return members;
        }
        if (members instanceof ConcurrentHashMap.KeySetView<?, ?>) {
            members.add(id);
            return members;
        }
        if (members.size() < SMALL) {
            String[] ids = members.toArray(new String[members.size() + 1]);
            ids[ids.length - 1] = id;
            return Set.of(ids);
        }
        Set<String> large = ConcurrentHashMap.newKeySet(SMALL * 2);
        large.addAll(members);
        large.add(id);
        return large;
    }

    /** The set without {@code id}: empty rather than null, which a socket's own (roomless) entry needs. */
    static Set<String> without(Set<String> members, String id) {
        if (members == null || !members.contains(id)) {
            return members;
        }
        if (members instanceof ConcurrentHashMap.KeySetView<?, ?>) {
            members.remove(id);
            return members;
        }
        return Set.of(members.stream().filter(member -> !member.equals(id)).toArray(String[]::new));
    }
}
