package dev.chorus.xmpp.stream;

import java.security.SecureRandom;
import java.util.Base64;

/** Unguessable ids in URL-safe base64: of streams, of sessions a client may resume, of BOSH sessions. */
public final class RandomIds {
    private static final SecureRandom RANDOM = new SecureRandom();

    private RandomIds() {
    }

    /** @param bytes how many random bytes the id carries */
    public static String next(int bytes) {
        byte[] id = new byte[bytes];
        RANDOM.nextBytes(id);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(id);
    }
}
