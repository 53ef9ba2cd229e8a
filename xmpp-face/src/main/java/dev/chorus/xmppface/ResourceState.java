package dev.chorus.xmppface;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * What another node needs to restore a resource whose session is resumed there (XEP-0198), as JSON in the
 * session's record: its rooms, where it stands in the rooms' and its direct messages, its presence, its switches.
 *
 * @param rooms       nickname by room, for the rooms it is in
 * @param roomFloors  the newest message of each room it was sent, by room
 * @param directFloor the newest direct message it was sent
 * @param presence    its last presence broadcast, as XML; null while unavailable
 */
record ResourceState(Map<String, String> rooms, Map<String, Long> roomFloors, long directFloor, String presence,
        boolean carbons, boolean interested) {
    private static final ObjectMapper JSON = new ObjectMapper();

    String json() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the state; one with nothing in it for null */
    static ResourceState read(String json) {
        if (json == null) {
            return new ResourceState(Map.of(), Map.of(), 0, null, false, false);
        }
        try {
            return JSON.readValue(json, ResourceState.class);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
