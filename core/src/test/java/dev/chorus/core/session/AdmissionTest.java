package dev.chorus.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.core.limits.EmbeddedUserConnections;
import dev.chorus.core.store.EmbeddedDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdmissionTest {
    @TempDir
    Path dataDir;

    private EmbeddedDatabase database;
    private Sessions sessions;
    private Admission admission;

    @BeforeEach
    void open() {
        database = EmbeddedDatabase.open(dataDir);
        sessions = new Sessions(new EmbeddedSessionStore(database), Duration.ofHours(1), Duration.ofHours(2),
                Clock.systemUTC());
        admission = new Admission(sessions, new EmbeddedUserConnections(2));
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void onlyALoggedInSessionGetsInAsItsUser() {
        LoginSession session = sessions.open("alice").join();

        assertThat(admission.admit(session.id()).join()).isInstanceOfSatisfying(Admission.Outcome.Admitted.class,
                admitted -> assertThat(admitted.session().username()).isEqualTo("alice"));
        assertThat(admission.admit(null).join()).isInstanceOf(Admission.Outcome.NotLoggedIn.class);
        assertThat(admission.admit("forged").join()).isInstanceOf(Admission.Outcome.NotLoggedIn.class);
    }

    @Test
    void aUserGetsNoMoreConnectionsThanAllowed() {
        String id = sessions.open("alice").join().id();
        assertThat(admission.connected("alice", "c1").join()).isTrue();
        assertThat(admission.connected("alice", "c2").join()).isTrue();

        assertThat(admission.admit(id).join()).isEqualTo(new Admission.Outcome.TooManyConnections(2));
        assertThat(admission.connected("alice", "c3").join()).as("two let in at once: the later goes").isFalse();
        admission.disconnected("alice", "c3");
        admission.disconnected("alice", "c1");
        assertThat(admission.admit(id).join()).isInstanceOf(Admission.Outcome.Admitted.class);
    }

    @Test
    void facesHearConnectionsOpenOnlyWhenCountedAndHearEveryClose() {
        List<String> heard = new ArrayList<>();
        admission.onConnections(new Admission.ConnectionListener() {
            @Override
            public void opened(String user, String connectionId) {
                heard.add("opened " + user + " " + connectionId);
            }

            @Override
            public void closed(String user, String connectionId) {
                heard.add("closed " + user + " " + connectionId);
            }
        });

        admission.connected("alice", "c1").join();
        admission.connected("alice", "c2").join();
        admission.connected("alice", "c3").join();
        admission.disconnected("alice", "c3");
        admission.disconnected("alice", "c1");

        assertThat(heard).containsExactly("opened alice c1", "opened alice c2", "closed alice c3", "closed alice c1");
    }

    @Test
    void aKickEndsEverySessionOfTheUserAndTellsTheFaces() {
        String one = sessions.open("alice").join().id();
        String two = sessions.open("alice").join().id();
        sessions.open("bob").join();
        List<String> told = new ArrayList<>();
        admission.onKicked(told::add);

        assertThat(admission.kick("alice").join()).isEqualTo(2);
        assertThat(told).containsExactly("alice");
        assertThat(admission.admit(one).join()).isInstanceOf(Admission.Outcome.NotLoggedIn.class);
        assertThat(admission.admit(two).join()).isInstanceOf(Admission.Outcome.NotLoggedIn.class);
    }
}
