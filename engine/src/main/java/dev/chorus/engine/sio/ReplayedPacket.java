package dev.chorus.engine.sio;

import com.fasterxml.jackson.databind.node.ArrayNode;

/** An event a recovering socket missed: its arguments, the offset last among them. */
public record ReplayedPacket(String offset, ArrayNode data) {
}
