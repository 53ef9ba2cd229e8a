package dev.chorus.xmppface;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** The resources bound on this node, by full address and by user: where this node's stanzas for a user go. */
final class BoundResources {
    private final String domain;
    private final Map<String, LocalResource> byJid = new ConcurrentHashMap<>();
    private final Map<String, CopyOnWriteArrayList<LocalResource>> byUser = new ConcurrentHashMap<>();

    BoundResources(String domain) {
        this.domain = domain;
    }

    /** @return the resource bound under {@code jid} before, which this one replaces; null when none */
    LocalResource put(String jid, LocalResource resource) {
        byUser.computeIfAbsent(resource.bareJid(), user -> new CopyOnWriteArrayList<>()).add(resource);
        return byJid.put(jid, resource);
    }

    void remove(String jid, LocalResource resource) {
        byJid.remove(jid, resource);
        byUser.computeIfPresent(resource.bareJid(), (user, resources) -> {
            resources.remove(resource);
            return resources.isEmpty() ? null : resources;
        });
    }

    /** The resource bound under a full address, its user's part in lower case; null when none. */
    LocalResource get(String jid) {
        return byJid.get(jid);
    }

    /** The user's resources bound on this node; empty when none. */
    List<LocalResource> of(String username) {
        List<LocalResource> resources = byUser.get(username.toLowerCase(Locale.ROOT) + "@" + domain);
        return resources == null ? List.of() : resources;
    }

    int size() {
        return byJid.size();
    }

    String domain() {
        return domain;
    }

    Collection<LocalResource> all() {
        return byJid.values();
    }
}
