package dev.chorus.server.xmpp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP port that relays each connection to a node's port, which a test can change: a client configured
 * for one address reaches another node after the first one died, as behind a balancer. A connection whose node
 * goes away is closed on the client's side too.
 */
final class TcpRelay implements AutoCloseable {
    private final ServerSocket listener;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile int target;

    private TcpRelay(int target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accepting = new Thread(this::accept, "relay-" + listener.getLocalPort());
        accepting.setDaemon(true);
        accepting.start();
    }

    static TcpRelay to(int port) throws IOException {
        return new TcpRelay(port);
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Connections from now on go to this port. */
    void target(int port) {
        this.target = port;
    }

    /** Breaks every connection relayed now, as a network that failed does. */
    void cut() {
        sockets.forEach(TcpRelay::closeQuietly);
        sockets.clear();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket node;
                try {
                    node = new Socket(InetAddress.getLoopbackAddress(), target);
                } catch (IOException e) {
                    client.close();
                    continue;
                }
                sockets.add(client);
                sockets.add(node);
                pump(client, node);
                pump(node, client);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread pumping = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (IOException e) {
                // One side went away: both are closed below.
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "relay-pump");
        pumping.setDaemon(true);
        pumping.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Closing is all that was asked.
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        sockets.forEach(TcpRelay::closeQuietly);
    }
}
