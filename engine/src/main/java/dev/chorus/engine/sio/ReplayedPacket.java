package dev.chorus.engine.sio;

/** An event a recovering socket missed, its offset last among its arguments. */
public record ReplayedPacket(String offset, Packet packet) {
}
