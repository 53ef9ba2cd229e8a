package dev.chorus.core.contact;

import java.util.List;

/**
 * One user's record of another: an entry of their contact list (an XMPP roster item) and where the two stand on
 * sharing presence. A record can exist unlisted, holding only the other's request to see this user's presence until
 * it is answered.
 *
 * @param username the other user, lower-cased
 * @param name     what the user calls them; null when unnamed
 * @param groups   the user's groups they are in
 * @param listed   whether they are on the user's list
 * @param receives whether the user sees their presence (RFC 6121's "to")
 * @param shares   whether they see the user's presence (RFC 6121's "from")
 * @param asked    whether the user asked to see their presence and has no answer yet ("pending out")
 * @param askedBy  whether they asked to see the user's presence and have no answer yet ("pending in")
 */
public record Contact(String username, String name, List<String> groups, boolean listed, boolean receives,
        boolean shares, boolean asked, boolean askedBy) {
    public Contact {
        groups = List.copyOf(groups);
    }
}
