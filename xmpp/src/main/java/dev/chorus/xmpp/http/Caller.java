package dev.chorus.xmpp.http;

/**
 * Who opens a stream over HTTP (a WebSocket, a BOSH session), as the HTTP server tells it.
 *
 * @param address    the client's address, as trusted proxies tell it
 * @param protectedConnection whether no one can read along: HTTPS to this node or to a trusted proxy, or loopback
 * @param permitted  whether the request may open a stream at all: a page of this site, or of an origin allowed
 */
public record Caller(String address, boolean protectedConnection, boolean permitted) {
}
