package dev.chorus.xmpp.sasl;

/** What a SASL mechanism answers to the client's last message. */
public sealed interface SaslStep {
    /** More is needed: the server's challenge, which the client answers with a response. */
    record Challenge(byte[] data) implements SaslStep {
    }

    /**
     * The client is authenticated as {@code username}, the account's own spelling.
     *
     * @param additionalData what goes in {@code <success/>} (SCRAM's server signature), or null
     */
    record Success(String username, byte[] additionalData) implements SaslStep {
    }

    record Failure(SaslFailure failure) implements SaslStep {
    }
}
