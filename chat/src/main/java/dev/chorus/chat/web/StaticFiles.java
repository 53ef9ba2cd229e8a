package dev.chorus.chat.web;

import dev.chorus.engine.http.Reply;
import dev.chorus.engine.http.RouteRequest;
import dev.chorus.engine.http.Routes;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves static files — the web chat's, or a folder of an operator's ({@link WebRoot}) — from memory, so that no
 * request touches a disk on the event loop. {@code GET} and {@code HEAD} only; {@code /} and a folder's path are its
 * {@code index.html}. The files are not fingerprinted, so every reply says {@code Cache-Control: no-cache} with an
 * {@code ETag}: browsers keep them and revalidate (304). Paths holding {@code ..}, a backslash or a control character
 * are refused with 400; paths that name no file are other routes'.
 */
public final class StaticFiles implements Routes {
    private static final Logger log = LoggerFactory.getLogger(StaticFiles.class);
    /** No file of the web chat comes near this; a bigger one is a mistake in the build, refused at startup. */
    private static final int MAX_FILE_BYTES = 4 << 20;
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("map", "application/json"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("webp", "image/webp"),
            Map.entry("avif", "image/avif"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("woff", "font/woff"),
            Map.entry("woff2", "font/woff2"),
            Map.entry("wasm", "application/wasm"),
            Map.entry("xml", "application/xml"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("webmanifest", "application/manifest+json"));
    /**
     * The page's own scripts and styles only; the Socket.IO connection goes back to the page's origin (ws/wss
     * of the same host are 'self' in CSP 3).
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
            + "form-action 'self'; frame-ancestors 'none'";

    /**
     * The XMPP web client's pages (converse.js, at {@code /xmpp-client/}): its scripts are modules of this site;
     * its components set styles inline and show images of data and blob URLs; its connection goes back to this
     * site (BOSH, WebSocket). Nothing elsewhere: the logos and emoji it would fetch from other sites stay away.
     */
    static final String XMPP_CLIENT_POLICY = "default-src 'self'; script-src 'self'; "
            + "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob:; "
            + "font-src 'self'; connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; "
            + "form-action 'self'; frame-ancestors 'none'";
    private static final String XMPP_CLIENT = "/xmpp-client/";

    /** One file, in memory, with what its replies say about it. */
    record File(byte[] content, String contentType, String etag, String policy) {
    }

    /** Replaced whole when a {@link WebRoot} changes on disk; the event loops only read it. */
    private volatile Map<String, File> files;
    /** Whether HTML pages get the web chat's strict policy headers: an operator's own pages set their own. */
    private final boolean pagePolicy;

    /** @param files by path, each starting with {@code /} */
    private StaticFiles(Map<String, File> files, boolean pagePolicy) {
        this.files = Map.copyOf(files);
        this.pagePolicy = pagePolicy;
    }

    /**
     * Loads every file under a classpath folder, from a directory (an IDE, the build's {@code target/classes}) or
     * a jar. Runs once at startup, off the event loop.
     *
     * @param folder the classpath folder, e.g. {@code web}
     */
    public static StaticFiles fromClasspath(ClassLoader loader, String folder) {
        Map<String, byte[]> contents = new HashMap<>();
        try {
            URL index = loader.getResource(folder + "/index.html");
            if (index == null) {
                log.warn("no {}/index.html on the classpath: its pages are not served", folder);
            } else if ("jar".equals(index.getProtocol())) {
                JarURLConnection connection = (JarURLConnection) index.openConnection();
                connection.setUseCaches(false);
                try (JarFile jar = connection.getJarFile()) {
                    String prefix = folder + "/";
                    for (JarEntry entry : Collections.list(jar.entries())) {
                        if (!entry.isDirectory() && entry.getName().startsWith(prefix)) {
                            try (InputStream in = jar.getInputStream(entry)) {
                                contents.put("/" + entry.getName().substring(prefix.length()), read(in));
                            }
                        }
                    }
                }
            } else if ("file".equals(index.getProtocol())) {
                Path root = Path.of(index.toURI()).getParent();
                try (Stream<Path> walk = Files.walk(root)) {
                    for (Path file : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                        try (InputStream in = Files.newInputStream(file)) {
                            contents.put("/" + root.relativize(file).toString().replace('\\', '/'), read(in));
                        }
                    }
                }
            } else {
                log.warn("cannot list {} on the classpath ({}): its pages are not served", folder, index);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the web chat's files could not be read", e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        StaticFiles handler = of(contents);
        log.debug("web chat: {} files from the classpath folder {}", contents.size(), folder);
        return handler;
    }

    /** The web chat's own files, with its page policy. @param contents by path, each starting with {@code /} */
    static StaticFiles of(Map<String, byte[]> contents) {
        return new StaticFiles(files(contents), true);
    }

    /** An operator's files, whose pages bring their own policy. */
    static StaticFiles operators(Map<String, byte[]> contents) {
        return new StaticFiles(files(contents), false);
    }

    /** Serves these files from now on, in place of the ones before. */
    void replace(Map<String, byte[]> contents) {
        files = Map.copyOf(files(contents));
    }

    private static Map<String, File> files(Map<String, byte[]> contents) {
        Map<String, File> files = new HashMap<>();
        contents.forEach((path, content) -> files.put(path, new File(content, contentType(path), etag(content),
                path.startsWith(XMPP_CLIENT) ? XMPP_CLIENT_POLICY : CONTENT_SECURITY_POLICY)));
        return files;
    }

    /** @return whether a file is served at this path (e.g. {@code /vendor/socket.io.min.js}) */
    public boolean serves(String path) {
        return files.containsKey(path);
    }

    private static byte[] read(InputStream in) throws IOException {
        byte[] content = in.readNBytes(MAX_FILE_BYTES + 1);
        if (content.length > MAX_FILE_BYTES) {
            throw new IOException("a web chat file is larger than " + MAX_FILE_BYTES + " bytes");
        }
        return content;
    }

    static String contentType(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        String extension = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(extension, "application/octet-stream");
    }

    private static String etag(byte[] content) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(content);
            return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public CompletableFuture<Reply> serve(RouteRequest request) {
        String path = request.path();
        if (!path.startsWith("/") || traverses(path)) {
            return CompletableFuture.completedFuture(Reply.empty(HttpResponseStatus.BAD_REQUEST));
        }
        return serve(request, path);
    }

    /**
     * Answers a request with the file at {@code path} (decoded, checked, starting with {@code /}), for routes that
     * serve these files under a path of their own.
     *
     * @return null when no file is there
     */
    public CompletableFuture<Reply> serve(RouteRequest request, String path) {
        File file = files.get(path.endsWith("/") ? path + "index.html" : path);
        if (file == null) {
            return null;
        }
        return CompletableFuture.completedFuture(reply(request, file));
    }

    private Reply reply(RouteRequest request, File file) {
        if (!request.isGetOrHead()) {
            return Reply.methodNotAllowed("GET, HEAD");
        }
        String ifNoneMatch = request.header(HttpHeaderNames.IF_NONE_MATCH);
        Reply reply = ifNoneMatch != null && matches(ifNoneMatch, file.etag())
                ? Reply.empty(HttpResponseStatus.NOT_MODIFIED)
                : Reply.of(HttpResponseStatus.OK, file.contentType(), file.content());
        reply.header(HttpHeaderNames.ETAG, file.etag())
                .header(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
                .header("X-Content-Type-Options", "nosniff");
        if (pagePolicy && file.contentType().startsWith("text/html")) {
            reply.header(HttpHeaderNames.CONTENT_SECURITY_POLICY, file.policy())
                    .header(HttpHeaderNames.X_FRAME_OPTIONS, "DENY")
                    .header("Referrer-Policy", "no-referrer");
        }
        return reply;
    }

    private static boolean traverses(String path) {
        if (path.indexOf('\\') >= 0 || path.chars().anyMatch(Character::isISOControl)) {
            return true;
        }
        for (String segment : path.split("/", -1)) {
            if (segment.equals("..") || segment.equals(".")) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(String ifNoneMatch, String etag) {
        for (String tag : ifNoneMatch.split(",")) {
            String t = tag.trim();
            if (t.equals("*") || t.equals(etag) || t.equals("W/" + etag)) {
                return true;
            }
        }
        return false;
    }

    /** For the logs and tests: the served paths. */
    @Override
    public String toString() {
        return "StaticFiles" + files.keySet();
    }
}
