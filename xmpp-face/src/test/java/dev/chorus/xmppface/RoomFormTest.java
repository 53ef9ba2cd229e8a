package dev.chorus.xmppface;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.core.room.RoomSettings;
import dev.chorus.xmpp.xml.XmlElement;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The configuration form of XEP-0045 §10.2 over a room's settings. */
class RoomFormTest {
    private static final RoomSettings CREATED = RoomSettings.createdBy("alice", Instant.parse("2026-12-05T08:00:00Z"));

    @Test
    void offersEveryFieldClientsSetAndSaysWhatIsSet() {
        XmlElement form = RoomForm.of(CREATED, "den");

        assertThat(form.elements()).filteredOn(field -> field.name().equals("field"))
                .extracting(field -> field.attribute("var"))
                .contains("FORM_TYPE", "muc#roomconfig_roomname", "muc#roomconfig_whois",
                        "muc#roomconfig_membersonly", "muc#roomconfig_moderatedroom", "muc#roomconfig_publicroom",
                        "muc#roomconfig_passwordprotectedroom", "muc#roomconfig_roomsecret",
                        "muc#roomconfig_maxusers", "muc#roomconfig_changesubject", "muc#roomconfig_enablelogging");
        assertThat(value(form, "muc#roomconfig_whois")).isEqualTo("anyone");
        assertThat(value(form, "muc#roomconfig_maxusers")).isEqualTo("none");
    }

    @Test
    void appliesTheAnswersGivenAndKeepsTheRest() {
        XmlElement submitted = XmlElement.parse("<x xmlns='jabber:x:data' type='submit'>"
                + "<field var='FORM_TYPE'><value>http://jabber.org/protocol/muc#roomconfig</value></field>"
                + "<field var='muc#roomconfig_roomname'><value>The Den</value></field>"
                + "<field var='muc#roomconfig_whois'><value>moderators</value></field>"
                + "<field var='muc#roomconfig_passwordprotectedroom'><value>1</value></field>"
                + "<field var='muc#roomconfig_roomsecret'><value>s3cret</value></field>"
                + "<field var='muc#roomconfig_maxusers'><value>20</value></field>"
                + "<field var='muc#roomconfig_publicroom'><value>0</value></field></x>");

        RoomSettings applied = RoomForm.apply(CREATED, submitted).orElseThrow();

        assertThat(applied.name()).isEqualTo("The Den");
        assertThat(applied.anonymous()).isTrue();
        assertThat(applied.password()).isEqualTo("s3cret");
        assertThat(applied.maxUsers()).isEqualTo(20);
        assertThat(applied.listed()).isFalse();
        assertThat(applied.membersOnly()).isFalse();
        assertThat(applied.affiliations()).isEqualTo(CREATED.affiliations());
        assertThat(RoomForm.apply(CREATED, XmlElement.parse("<x xmlns='jabber:x:data' type='submit'/>")))
                .as("an instant room: nothing asked, nothing changed").contains(CREATED);
    }

    @Test
    void refusesToStopKeepingTheHistory() {
        XmlElement submitted = XmlElement.parse("<x xmlns='jabber:x:data' type='submit'>"
                + "<field var='muc#roomconfig_enablelogging'><value>0</value></field></x>");

        assertThat(RoomForm.apply(CREATED, submitted)).isEmpty();
    }

    private static String value(XmlElement form, String name) {
        return form.elements().stream().filter(field -> name.equals(field.attribute("var"))).findFirst()
                .flatMap(field -> field.child("value", XmppNamespaces.DATA_FORMS)).map(XmlElement::text)
                .orElse(null);
    }
}
