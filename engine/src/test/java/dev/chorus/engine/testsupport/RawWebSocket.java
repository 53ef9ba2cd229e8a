package dev.chorus.engine.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a plain socket that sends whatever bytes it is told to: frames with any opcode, unmasked
 * frames, or no frames at all. For the tests a well-behaved client cannot write.
 */
public final class RawWebSocket implements AutoCloseable {
    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final String response;

    public record Frame(int opcode, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The status code of a close frame, or -1 when it has none. */
        public int closeCode() {
            return payload.length >= 2 ? (payload[0] & 0xff) << 8 | payload[1] & 0xff : -1;
        }
    }

    private RawWebSocket(Socket socket, String response) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.response = response;
    }

    /** Sends an upgrade request for {@code pathAndQuery} and reads the response head, whatever its status. */
    public static RawWebSocket connect(int port, String pathAndQuery) {
        return connect(port, pathAndQuery, true);
    }

    public static RawWebSocket connect(int port, String pathAndQuery, boolean withKey) {
        String request = "GET " + pathAndQuery + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + port + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + (withKey ? "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(new byte[16]) + "\r\n" : "")
                + "Sec-WebSocket-Version: 13\r\n\r\n";
        return raw(port, request.getBytes(StandardCharsets.US_ASCII));
    }

    /** Opens a connection, sends {@code bytes} as they are and reads a response head. */
    public static RawWebSocket raw(int port, byte[] bytes) {
        return raw(port, bytes, true);
    }

    /** Opens a connection and sends {@code bytes} as they are; reads a response head only when told to. */
    public static RawWebSocket raw(int port, byte[] bytes, boolean readHead) {
        try {
            Socket socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            return new RawWebSocket(socket, readHead ? readHead(socket.getInputStream()) : "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : b == '\r' ? 1 : 0;
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    public int status() {
        String[] statusLine = response.split(" ", 3);
        return statusLine.length < 2 ? -1 : Integer.parseInt(statusLine[1]);
    }

    /** Reads the body of a non-101 answer, per its Content-Length. */
    public String body() {
        for (String line : response.split("\r\n")) {
            if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                byte[] body = new byte[Integer.parseInt(line.substring(15).trim())];
                try {
                    in.readFully(body);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return new String(body, StandardCharsets.UTF_8);
            }
        }
        return "";
    }

    public void sendText(String text) {
        sendFrame(TEXT, true, true, text.getBytes(StandardCharsets.UTF_8));
    }

    public void sendBinary(byte[] bytes) {
        sendFrame(BINARY, true, true, bytes);
    }

    /** Sends one frame exactly as described, valid or not. */
    public void sendFrame(int opcode, boolean fin, boolean masked, byte[] payload) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write((fin ? 0x80 : 0) | opcode & 0x0f);
        int maskBit = masked ? 0x80 : 0;
        if (payload.length < 126) {
            frame.write(maskBit | payload.length);
        } else if (payload.length < 65536) {
            frame.write(maskBit | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xff);
        } else {
            frame.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift) & 0xff);
            }
        }
        byte[] body = payload.clone();
        if (masked) {
            byte[] mask = new byte[4];
            ThreadLocalRandom.current().nextBytes(mask);
            frame.writeBytes(mask);
            for (int i = 0; i < body.length; i++) {
                body[i] ^= mask[i % 4];
            }
        }
        frame.writeBytes(body);
        sendBytes(frame.toByteArray());
    }

    public void sendBytes(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the next frame, or null when the server closed the connection */
    public Frame readFrame() {
        try {
            int first = in.read();
            if (first < 0) {
                return null;
            }
            int second = in.readUnsignedByte();
            long length = second & 0x7f;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            return new Frame(first & 0x0f, payload);
        } catch (EOFException e) {
            return null;
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no frame from the server within the timeout");
        } catch (IOException e) {
            // A reset is as good as a close here.
            return null;
        }
    }

    /** Reads a text frame. */
    public String readText() {
        Frame frame = readFrame();
        if (frame == null || frame.opcode() != TEXT) {
            throw new AssertionError("expected a text frame, got " + describe(frame));
        }
        return frame.text();
    }

    /** Reads a text frame, skipping the Engine.IO pings that may come at any time. */
    public String readTextSkippingPings() {
        String text;
        do {
            text = readText();
        } while ("2".equals(text));
        return text;
    }

    /**
     * Reads until the server ends the connection; fails if it does not within the socket timeout.
     *
     * @return the frames that came before the end
     */
    public List<Frame> readUntilClosed() {
        List<Frame> frames = new ArrayList<>();
        for (Frame frame; (frame = readFrame()) != null; ) {
            frames.add(frame);
        }
        return frames;
    }

    private static String describe(Frame frame) {
        return frame == null ? "end of stream" : "opcode " + frame.opcode() + " '" + frame.text() + "'";
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
