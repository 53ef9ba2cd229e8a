package dev.chorus.core.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The credentials against the RFCs' example exchanges, which are the only outside word on getting them right. */
class ScramCredentialTest {
    private static final Base64.Decoder BASE64 = Base64.getDecoder();

    @Test
    void scramSha1MatchesRfc5802() {
        ScramCredential credential = ScramCredential.derive(ScramAlgorithm.SHA_1, "pencil",
                BASE64.decode("QSXCR+Q6sek8bf92"), 4096);
        String authMessage = "n=user,r=fyko+d2lbbFgONRv9qkxdawL,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,"
                + "s=QSXCR+Q6sek8bf92,i=4096,c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j";

        assertThat(ScramAlgorithm.SHA_1.mechanism()).isEqualTo("SCRAM-SHA-1");
        assertMatchesExchange(credential, authMessage, "v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
                "rmF9pqV8S7suAoZWja4dJRkFsKQ=");
    }

    @Test
    void scramSha256MatchesRfc7677() {
        ScramCredential credential = ScramCredential.derive(ScramAlgorithm.SHA_256, "pencil",
                BASE64.decode("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
        String authMessage = "n=user,r=rOprNGfwEbeRWgbNEkqO,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                + "s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";

        assertThat(ScramAlgorithm.SHA_256.mechanism()).isEqualTo("SCRAM-SHA-256");
        assertMatchesExchange(credential, authMessage, "dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
                "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
    }

    @Test
    void aNonAsciiPasswordIsHashedAsUtf8() {
        String password = "pässwörd ☃ 𝄞";
        byte[] salt = BASE64.decode("QSXCR+Q6sek8bf92");
        for (ScramAlgorithm algorithm : ScramAlgorithm.values()) {
            byte[] saltedPassword = hi(algorithm, password.getBytes(StandardCharsets.UTF_8), salt, 64);
            byte[] clientKey = algorithm.hmac(saltedPassword, "Client Key".getBytes(StandardCharsets.US_ASCII));

            ScramCredential credential = ScramCredential.derive(algorithm, password, salt, 64);

            assertThat(credential.storedKey()).as(algorithm.name()).isEqualTo(algorithm.hash(clientKey));
            assertThat(credential.serverKey()).as(algorithm.name())
                    .isEqualTo(algorithm.hmac(saltedPassword, "Server Key".getBytes(StandardCharsets.US_ASCII)));
        }
    }

    @Test
    void thePasswordIsNormalisedAsSaslprepWould() {
        byte[] salt = BASE64.decode("W22ZaJ0SNY7soEsUEjb6gQ==");

        assertThat(ScramCredential.derive(ScramAlgorithm.SHA_256, "ｐｅｎｃｉｌ\u00A0Ⅸ", salt, 64))
                .as("full-width letters, a no-break space and a roman numeral are what they look like")
                .isEqualTo(ScramCredential.derive(ScramAlgorithm.SHA_256, "pencil IX", salt, 64));
    }

    @Test
    void aNewCredentialHasAFreshSaltAndTheRfcIterationsAndVerifiesThePassword() {
        SecureRandom random = new SecureRandom();
        ScramCredential first = ScramCredential.create(ScramAlgorithm.SHA_256, "pencil", random);
        ScramCredential second = ScramCredential.create(ScramAlgorithm.SHA_256, "pencil", random);

        assertThat(first.salt()).hasSize(16);
        assertThat(first.iterations()).isEqualTo(ScramCredential.DEFAULT_ITERATIONS).isEqualTo(4096);
        assertThat(second.salt()).isNotEqualTo(first.salt());
        assertThat(second).isNotEqualTo(first);
        assertThat(ScramCredential.derive(ScramAlgorithm.SHA_256, "pencil", first.salt(), first.iterations()))
                .isEqualTo(first)
                .hasSameHashCodeAs(first);
        assertThat(ScramCredential.derive(ScramAlgorithm.SHA_256, "pencils", first.salt(), first.iterations()))
                .isNotEqualTo(first);
    }

    @Test
    void aCredentialIsAValueThatKeepsItsKeysOutOfItsText() {
        byte[] salt = BASE64.decode("QSXCR+Q6sek8bf92");
        ScramCredential credential = ScramCredential.derive(ScramAlgorithm.SHA_1, "pencil", salt, 4096);

        salt[0]++;
        credential.storedKey()[0]++;
        assertThat(credential).as("changing the arrays given or got changes nothing")
                .isEqualTo(ScramCredential.derive(ScramAlgorithm.SHA_1, "pencil", BASE64.decode("QSXCR+Q6sek8bf92"),
                        4096));
        assertThat(credential.toString())
                .isEqualTo("ScramCredential[algorithm=SHA_1, iterations=4096]");
    }

    /**
     * The server's side of the RFC exchange: the client's proof recovers a ClientKey whose hash is the StoredKey, and
     * the server signs with its ServerKey what the RFC says it does.
     */
    private static void assertMatchesExchange(ScramCredential credential, String authMessage, String clientProof,
            String serverSignature) {
        ScramAlgorithm algorithm = credential.algorithm();
        byte[] message = authMessage.getBytes(StandardCharsets.UTF_8);
        byte[] clientSignature = algorithm.hmac(credential.storedKey(), message);
        byte[] clientKey = xor(BASE64.decode(clientProof), clientSignature);

        assertThat(algorithm.hash(clientKey)).as("StoredKey").isEqualTo(credential.storedKey());
        assertThat(Base64.getEncoder().encodeToString(algorithm.hmac(credential.serverKey(), message)))
                .as("ServerSignature")
                .isEqualTo(serverSignature);
    }

    private static byte[] xor(byte[] a, byte[] b) {
        byte[] result = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            result[i] = (byte) (a[i] ^ b[i]);
        }
        return result;
    }

    /** Hi as RFC 5802 §2.2 writes it, on the password's bytes, to check what the JDK's PBKDF2 hashes. */
    private static byte[] hi(ScramAlgorithm algorithm, byte[] password, byte[] salt, int iterations) {
        byte[] u = algorithm.hmac(password, ByteBuffer.allocate(salt.length + 4).put(salt).putInt(1).array());
        byte[] result = u.clone();
        for (int i = 1; i < iterations; i++) {
            u = algorithm.hmac(password, u);
            result = xor(result, u);
        }
        return result;
    }
}
