package dev.chorus.engine.eio;

import java.security.SecureRandom;
import java.util.Base64;

/** Unguessable identifiers in the reference server's shape: 20 characters of URL-safe base64. */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private Ids() {
    }

    public static String newId() {
        byte[] bytes = new byte[15];
        RANDOM.nextBytes(bytes);
        return ENCODER.encodeToString(bytes);
    }
}
