package dev.chorus.chat.rooms;

import org.junit.jupiter.api.BeforeEach;

/** A face test where alice and bob are connected from the start. */
abstract class TwoUsersTest extends FaceTest {
    ChatFace.Client alice;
    ChatFace.Client bob;

    @BeforeEach
    void connectAliceAndBob() {
        alice = face.connect("alice");
        bob = face.connect("bob");
    }
}
