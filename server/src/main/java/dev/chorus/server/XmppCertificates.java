package dev.chorus.server;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.SSLException;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The XMPP domain's TLS certificate: the configured one, or one this node signs itself for the domain (and for
 * localhost and the loopback addresses), made once and kept in the data directory so that a client told to trust it
 * keeps trusting it across restarts.
 */
final class XmppCertificates {
    private static final Logger log = LoggerFactory.getLogger(XmppCertificates.class);
    private static final Duration SELF_SIGNED_VALIDITY = Duration.ofDays(825);

    /** A certificate chain and its key, as PEM files. */
    record Pair(Path certificate, Path key, boolean selfSigned) {
        /** For STARTTLS: the handler lets the {@code <proceed/>} it follows leave in the clear. */
        SslContext startTls() {
            return context(true);
        }

        /** For TLS from the first byte. */
        SslContext directTls() {
            return context(false);
        }

        private SslContext context(boolean startTls) {
            try {
                return SslContextBuilder.forServer(certificate.toFile(), key.toFile()).startTls(startTls).build();
            } catch (SSLException | IllegalArgumentException e) {
                throw new IllegalStateException("the XMPP certificate " + certificate + " or its key " + key
                        + " cannot be used: " + e.getMessage(), e);
            }
        }
    }

    private XmppCertificates() {
    }

    /** The configured pair, else the self-signed one in {@code folder}, made now if it is not there. */
    static Pair of(Path certificate, Path key, Path folder, String domain) {
        if (certificate != null) {
            return new Pair(certificate, key, false);
        }
        Path certificateFile = folder.resolve(domain + ".crt");
        Path keyFile = folder.resolve(domain + ".key");
        // Nodes started together on one data directory make one certificate, not a key of one and a certificate of
        // another: the lock holds off other processes, the monitor other nodes of this one.
        synchronized (XmppCertificates.class) {
            try {
                Files.createDirectories(folder);
                try (FileChannel lockFile = FileChannel.open(folder.resolve(".lock"), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE); FileLock lock = lockFile.lock()) {
                    if (!Files.exists(certificateFile) || !Files.exists(keyFile)) {
                        selfSign(domain, certificateFile, keyFile);
                        log.info("made a self-signed XMPP certificate for {} in {}", domain, certificateFile);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot keep a self-signed XMPP certificate in " + folder, e);
            }
        }
        return new Pair(certificateFile, keyFile, true);
    }

    private static void selfSign(String domain, Path certificateFile, Path keyFile) throws IOException {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(256);
            KeyPair keys = generator.generateKeyPair();
            X500Name name = new X500Name("CN=" + domain);
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
                    new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(SELF_SIGNED_VALIDITY)), name, keys.getPublic());
            // Its own authority, as `openssl req -x509` makes one: OpenSSL-based clients (Node, Python, libstrophe)
            // accept it as a trust anchor only then.
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign));
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    extensions.createSubjectKeyIdentifier(keys.getPublic()));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    extensions.createAuthorityKeyIdentifier(keys.getPublic()));
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, domain),
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, InetAddress.getLoopbackAddress().getHostAddress()),
            }));
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
            Path keyTemp = Files.createTempFile(keyFile.getParent(), "key", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            write(keyTemp, new JcaPKCS8Generator(keys.getPrivate(), null).generate());
            Path certificateTemp = Files.createTempFile(certificateFile.getParent(), "crt", ".tmp");
            write(certificateTemp, certificate);
            Files.move(keyTemp, keyFile, StandardCopyOption.ATOMIC_MOVE);
            Files.move(certificateTemp, certificateFile, StandardCopyOption.ATOMIC_MOVE);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot make a self-signed XMPP certificate", e);
        }
    }

    private static void write(Path file, Object pem) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
                JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(pem);
        }
    }
}
