package dev.chorus.core.account;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import java.util.EnumMap;
import java.util.Map;

/**
 * SCRAM credentials as both account stores keep them in an account's JSON: an object keyed by mechanism name, the
 * bytes in base64. Keyed by the name the protocol fixes, not by a Java constant that could be renamed; a mechanism
 * this version does not know is passed over, so that records written by a newer node still load.
 */
public final class ScramJson {
    private static final Base64.Encoder ENCODER = Base64.getEncoder();
    private static final Base64.Decoder DECODER = Base64.getDecoder();

    private ScramJson() {
    }

    public static ObjectNode write(Map<ScramAlgorithm, ScramCredential> scram) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        for (ScramAlgorithm algorithm : ScramAlgorithm.values()) {
            ScramCredential credential = scram.get(algorithm);
            if (credential != null) {
                json.putObject(algorithm.mechanism())
                        .put("salt", ENCODER.encodeToString(credential.salt()))
                        .put("iterations", credential.iterations())
                        .put("storedKey", ENCODER.encodeToString(credential.storedKey()))
                        .put("serverKey", ENCODER.encodeToString(credential.serverKey()));
            }
        }
        return json;
    }

    /** @param json the account's {@code scram} field, null for an account stored before there were any */
    public static Map<ScramAlgorithm, ScramCredential> read(JsonNode json) {
        if (json == null) {
            return Map.of();
        }
        Map<ScramAlgorithm, ScramCredential> scram = new EnumMap<>(ScramAlgorithm.class);
        for (ScramAlgorithm algorithm : ScramAlgorithm.values()) {
            JsonNode credential = json.get(algorithm.mechanism());
            if (credential != null) {
                scram.put(algorithm, new ScramCredential(algorithm, DECODER.decode(credential.get("salt").asText()),
                        credential.get("iterations").asInt(), DECODER.decode(credential.get("storedKey").asText()),
                        DECODER.decode(credential.get("serverKey").asText())));
            }
        }
        return scram;
    }
}
