package dev.chorus.xmppface;

import dev.chorus.xmpp.stream.StanzaHandler;
import dev.chorus.xmpp.stream.Stanzas;
import dev.chorus.xmpp.xml.XmlElement;
import java.util.Optional;

/** What a bound resource's stanzas become: the core's requests, each by the part of the face that speaks it. */
final class ResourceHandler implements StanzaHandler {
    private final LocalResource resource;
    private final DirectChat direct;

    ResourceHandler(LocalResource resource, DirectChat direct) {
        this.resource = resource;
        this.direct = direct;
    }

    @Override
    public boolean handle(XmlElement stanza) {
        if (stanza.name().equals("message")) {
            return direct.send(resource, stanza);
        }
        if (Stanzas.isRequest(stanza) && (stanza.attribute("to") == null || isToOwnAccount(stanza))) {
            return ownAccount(stanza);
        }
        return false;
    }

    private boolean isToOwnAccount(XmlElement stanza) {
        return stanza.attribute("to").equalsIgnoreCase(resource.bareJid());
    }

    /** Requests the server answers on the account's behalf. */
    private boolean ownAccount(XmlElement iq) {
        Optional<XmlElement> payload = iq.elements().stream().findFirst();
        if (payload.isEmpty() || !payload.get().namespace().equals(XmppNamespaces.CARBONS)
                || !"set".equals(iq.attribute("type"))) {
            return false;
        }
        String name = payload.get().name();
        if (!name.equals("enable") && !name.equals("disable")) {
            return false;
        }
        resource.carbons(name.equals("enable"));
        resource.send(Stanzas.result(iq, null));
        return true;
    }

    @Override
    public void closed() {
        // Nothing held beyond the resource itself, which the registry gives back.
    }
}
