package dev.chorus.core.contact;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * How both stores keep a record: five flag characters, a '|', and the name and groups as JSON — {@code 11010|{"name":
 * "Bob","groups":["Friends"]}}. The flags lead so that an edit is a change of characters, which Redis makes in a
 * script without reading JSON, atomically with whatever another node does to the same record.
 */
public final class ContactRecord {
    static final int LISTED = 0;
    static final int RECEIVES = 1;
    static final int SHARES = 2;
    static final int ASKED = 3;
    static final int ASKED_BY = 4;
    /** The flags of a record with nothing left in it: it is deleted. */
    public static final String EMPTY = "00000";
    static final String UNCHANGED = "-----";
    private static final String NO_DETAILS = "{}";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ContactRecord() {
    }

    static String details(String name, List<String> groups) {
        ObjectNode details = JSON.createObjectNode();
        if (name != null) {
            details.put("name", name);
        }
        ArrayNode array = details.putArray("groups");
        groups.forEach(array::add);
        return details.toString();
    }

    static String apply(String stored, String mask, String details) {
        String flags = stored == null ? EMPTY : stored.substring(0, EMPTY.length());
        StringBuilder applied = new StringBuilder(EMPTY.length());
        for (int i = 0; i < EMPTY.length(); i++) {
            applied.append(mask.charAt(i) == '-' ? flags.charAt(i) : mask.charAt(i));
        }
        if (applied.toString().equals(EMPTY)) {
            return null;
        }
        String kept = details != null ? details : stored == null ? NO_DETAILS : stored.substring(EMPTY.length() + 1);
        return applied + "|" + kept;
    }

    /** The record of {@code username} as stored; null for null. */
    public static Contact read(String username, String stored) {
        if (stored == null) {
            return null;
        }
        JsonNode details;
        try {
            details = JSON.readTree(stored.substring(EMPTY.length() + 1));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt contact record of " + username, e);
        }
        List<String> groups = new ArrayList<>();
        details.path("groups").forEach(group -> groups.add(group.asText()));
        return new Contact(username, details.hasNonNull("name") ? details.get("name").asText() : null, groups,
                flag(stored, LISTED), flag(stored, RECEIVES), flag(stored, SHARES), flag(stored, ASKED),
                flag(stored, ASKED_BY));
    }

    private static boolean flag(String stored, int flag) {
        return stored.charAt(flag) == '1';
    }
}
