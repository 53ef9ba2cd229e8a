package dev.chorus.xmpp.sasl;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * SCRAM (RFC 5802, RFC 7677) without channel binding: the client proves it knows the password without sending it,
 * and the server proves it knew the password's keys. Checked against stored keys, never a password.
 */
public final class ScramMechanism implements SaslMechanism {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int NONCE_BYTES = 18;

    private final ScramHash hash;
    private final SaslAuthenticator authenticator;
    private final String domain;
    private final String client;
    private String gs2Header;
    private String clientFirstBare;
    private String serverFirst;
    private String nonce;
    private String username;
    private ScramCredential credential;

    public ScramMechanism(ScramHash hash, SaslAuthenticator authenticator, String domain, String client) {
        this.hash = hash;
        this.authenticator = authenticator;
        this.domain = domain;
        this.client = client;
    }

    @Override
    public CompletableFuture<SaslStep> start(byte[] initialResponse) {
        if (initialResponse == null) {
            return CompletableFuture.completedFuture(new SaslStep.Challenge(new byte[0]));
        }
        return clientFirst(new String(initialResponse, StandardCharsets.UTF_8));
    }

    @Override
    public CompletableFuture<SaslStep> respond(byte[] response) {
        String message = new String(response, StandardCharsets.UTF_8);
        if (gs2Header == null) {
            return clientFirst(message);
        }
        if (credential == null) {
            return failed(SaslFailure.MALFORMED_REQUEST);
        }
        return clientFinal(message);
    }

    /** {@code gs2-header client-first-bare}: {@code n,[a=authzid],n=user,r=nonce[,ext]}. */
    private CompletableFuture<SaslStep> clientFirst(String message) {
        if (message.startsWith("p=")) {
            // Channel binding is not offered (no -PLUS mechanism): a client asking for it is mistaken or attacked.
            return failed(SaslFailure.MALFORMED_REQUEST);
        }
        if (!message.startsWith("n,") && !message.startsWith("y,")) {
            return failed(SaslFailure.MALFORMED_REQUEST);
        }
        int headerEnd = message.indexOf(',', 2);
        if (headerEnd < 0) {
            return failed(SaslFailure.MALFORMED_REQUEST);
        }
        String authzid = message.substring(2, headerEnd);
        gs2Header = message.substring(0, headerEnd + 1);
        clientFirstBare = message.substring(headerEnd + 1);
        String[] parts = clientFirstBare.split(",", -1);
        if (parts.length < 2 || !parts[0].startsWith("n=") || !parts[1].startsWith("r=") || parts[1].length() < 3) {
            return failed(SaslFailure.MALFORMED_REQUEST);
        }
        for (int i = 2; i < parts.length; i++) {
            if (parts[i].startsWith("m=")) {
                // A mandatory extension this server does not know (RFC 5802 §5.1).
                return failed(SaslFailure.MALFORMED_REQUEST);
            }
        }
        username = saslName(parts[0].substring(2));
        if (username == null || username.isEmpty()) {
            return failed(SaslFailure.MALFORMED_REQUEST);
        }
        if (!authzid.isEmpty()) {
            String requested = authzid.startsWith("a=") ? saslName(authzid.substring(2)) : null;
            if (requested == null || !requested.equalsIgnoreCase(username)
                    && !requested.equalsIgnoreCase(username + "@" + domain)) {
                return failed(SaslFailure.INVALID_AUTHZID);
            }
        }
        byte[] serverNonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(serverNonce);
        nonce = parts[1].substring(2) + Base64.getEncoder().encodeToString(serverNonce);
        return authenticator.scramCredential(username, hash, client).thenApply(found -> {
            credential = found;
            serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(found.salt())
                    + ",i=" + found.iterations();
            return new SaslStep.Challenge(serverFirst.getBytes(StandardCharsets.UTF_8));
        });
    }

    /** {@code c=channel-binding,r=nonce[,ext],p=proof}. */
    private CompletableFuture<SaslStep> clientFinal(String message) {
        int proofAt = message.lastIndexOf(",p=");
        if (proofAt < 0) {
            return finished(false);
        }
        String withoutProof = message.substring(0, proofAt);
        String[] parts = withoutProof.split(",", -1);
        String binding = Base64.getEncoder().encodeToString(gs2Header.getBytes(StandardCharsets.UTF_8));
        if (parts.length < 2 || !parts[0].equals("c=" + binding) || !parts[1].equals("r=" + nonce)) {
            return finished(false);
        }
        byte[] proof;
        try {
            proof = Base64.getDecoder().decode(message.substring(proofAt + 3));
        } catch (IllegalArgumentException e) {
            return failed(SaslFailure.INCORRECT_ENCODING);
        }
        byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof)
                .getBytes(StandardCharsets.UTF_8);
        byte[] clientSignature = hmac(credential.storedKey(), authMessage);
        if (proof.length != clientSignature.length) {
            return finished(false);
        }
        byte[] clientKey = new byte[proof.length];
        for (int i = 0; i < proof.length; i++) {
            clientKey[i] = (byte) (proof[i] ^ clientSignature[i]);
        }
        boolean matched = MessageDigest.isEqual(digest(clientKey), credential.storedKey());
        byte[] serverSignature = hmac(credential.serverKey(), authMessage);
        return authenticator.scramFinished(username, matched, client).thenApply(account -> account == null
                ? new SaslStep.Failure(SaslFailure.NOT_AUTHORIZED)
                : new SaslStep.Success(account,
                        ("v=" + Base64.getEncoder().encodeToString(serverSignature)).getBytes(StandardCharsets.UTF_8)));
    }

    private CompletableFuture<SaslStep> finished(boolean matched) {
        return authenticator.scramFinished(username, matched, client)
                .thenApply(account -> new SaslStep.Failure(SaslFailure.NOT_AUTHORIZED));
    }

    /** A {@code saslname}: "=2C" is a comma, "=3D" an equals sign, and no other "=" may appear. */
    private static String saslName(String encoded) {
        StringBuilder name = new StringBuilder(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c != '=') {
                name.append(c);
            } else if (encoded.startsWith("2C", i + 1)) {
                name.append(',');
                i += 2;
            } else if (encoded.startsWith("3D", i + 1)) {
                name.append('=');
                i += 2;
            } else {
                return null;
            }
        }
        return name.toString();
    }

    private byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(hash.mac());
            mac.init(new SecretKeySpec(key, hash.mac()));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has " + hash.mac(), e);
        }
    }

    private byte[] digest(byte[] data) {
        try {
            return MessageDigest.getInstance(hash.digest()).digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has " + hash.digest(), e);
        }
    }

    private static CompletableFuture<SaslStep> failed(SaslFailure failure) {
        return CompletableFuture.completedFuture(new SaslStep.Failure(failure));
    }
}
