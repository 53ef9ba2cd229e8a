package dev.chorus.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependencies point one way (docs/architecture.md): the wire protocols know nothing of the chat or of each
 * other, the chat core no protocol and no Redis, its faces (Socket.IO, XMPP) no Redis and not each other, and nothing
 * below the server knows how a node is put together.
 */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void read() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.chorus");
    }

    @Test
    void theProtocolKnowsNothingOfTheChatTheClusterOrTheServer() {
        noClasses().that().resideInAPackage("dev.chorus.engine..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.chorus.chat..", "dev.chorus.xmpp..",
                        "dev.chorus.xmppface..", "dev.chorus.cluster..", "dev.chorus.server..")
                .check(classes);
    }

    @Test
    void theXmppProtocolKnowsNothingOfTheChatTheOtherProtocolTheClusterOrTheServer() {
        noClasses().that().resideInAPackage("dev.chorus.xmpp..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.chorus.core..", "dev.chorus.chat..",
                        "dev.chorus.xmppface..", "dev.chorus.engine..", "dev.chorus.cluster..", "dev.chorus.server..",
                        "io.lettuce..")
                .check(classes);
    }

    @Test
    void theCoreKnowsNoProtocolNoFaceNoRedisAndNoServer() {
        noClasses().that().resideInAPackage("dev.chorus.core..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.chorus.engine..", "dev.chorus.xmpp..",
                        "dev.chorus.chat..", "dev.chorus.xmppface..", "dev.chorus.cluster..", "dev.chorus.server..",
                        "io.lettuce..", "io.netty..")
                .check(classes);
    }

    @Test
    void theXmppFaceKnowsNothingOfSocketIoRedisOrTheServer() {
        noClasses().that().resideInAPackage("dev.chorus.xmppface..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.chorus.engine..", "dev.chorus.chat..",
                        "dev.chorus.cluster..", "dev.chorus.server..", "io.lettuce..")
                .check(classes);
    }

    @Test
    void theClusterKnowsNoFace() {
        noClasses().that().resideInAPackage("dev.chorus.cluster..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.chorus.chat..", "dev.chorus.xmppface..")
                .check(classes);
    }

    @Test
    void theSocketIoFaceKnowsNothingOfRedisXmppOrTheServer() {
        noClasses().that().resideInAPackage("dev.chorus.chat..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.chorus.cluster..", "dev.chorus.server..",
                        "dev.chorus.xmpp..", "dev.chorus.xmppface..", "io.lettuce..")
                .check(classes);
    }

    @Test
    void theClusterKnowsNothingOfTheServer() {
        noClasses().that().resideInAPackage("dev.chorus.cluster..")
                .should().dependOnClassesThat().resideInAPackage("dev.chorus.server..")
                .check(classes);
    }
}
