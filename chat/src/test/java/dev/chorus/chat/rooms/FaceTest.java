package dev.chorus.chat.rooms;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A test of one part of the Socket.IO face, on a {@link ChatFace} of its own. */
abstract class FaceTest {
    @TempDir
    Path dir;
    ChatFace face;

    @BeforeEach
    void startFace() {
        face = ChatFace.start(dir);
    }

    @AfterEach
    void stopFace() {
        face.close();
    }
}
