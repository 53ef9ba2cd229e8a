package dev.chorus.engine.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {
    private static final InetSocketAddress PROXY = new InetSocketAddress("10.0.0.7", 40000);
    private static final InetSocketAddress STRANGER = new InetSocketAddress("203.0.113.9", 40000);

    private final TrustedProxies proxies = TrustedProxies.of(List.of("10.0.0.0/8", "::1"));

    private static HttpHeaders forwarded(String... values) {
        HttpHeaders headers = new DefaultHttpHeaders();
        for (String value : values) {
            headers.add("X-Forwarded-For", value);
        }
        return headers;
    }

    @Test
    void theClientIsTheEntryTheLastTrustedHopAddedNotTheOneTheClientWrote() {
        assertThat(proxies.clientAddress(PROXY, forwarded("1.2.3.4, 198.51.100.20")))
                .as("a client's own X-Forwarded-For entry comes first and is ignored").isEqualTo("198.51.100.20");
        assertThat(proxies.clientAddress(PROXY, forwarded("1.2.3.4", "198.51.100.20, 10.1.2.3")))
                .as("trusted hops are skipped, over several headers").isEqualTo("198.51.100.20");
    }

    @Test
    void anUntrustedPeerIsTheClientWhateverItClaims() {
        assertThat(proxies.clientAddress(STRANGER, forwarded("1.2.3.4"))).isEqualTo("203.0.113.9");
        assertThat(TrustedProxies.NONE.clientAddress(PROXY, forwarded("1.2.3.4"))).isEqualTo("10.0.0.7");
        assertThat(proxies.secure(STRANGER, headers("X-Forwarded-Proto", "https"))).isFalse();
    }

    @Test
    void aProxyWithoutAForwardedEntryOrWithGarbageIsTheClient() {
        assertThat(proxies.clientAddress(PROXY, forwarded())).isEqualTo("10.0.0.7");
        assertThat(proxies.clientAddress(PROXY, forwarded("not-an-address"))).isEqualTo("10.0.0.7");
        assertThat(proxies.clientAddress(PROXY, forwarded("10.9.9.9"))).as("only proxies all along")
                .isEqualTo("10.9.9.9");
    }

    @Test
    void httpsIsWhatATrustedProxySays() {
        assertThat(proxies.secure(PROXY, headers("X-Forwarded-Proto", "https"))).isTrue();
        assertThat(proxies.secure(PROXY, headers("X-Forwarded-Proto", "http"))).isFalse();
        assertThat(proxies.secure(new InetSocketAddress("::1", 1), headers("X-Forwarded-Proto", "HTTPS"))).isTrue();
    }

    @Test
    void networksThatAreNotOnesAreRefused() {
        assertThatThrownBy(() -> TrustedProxies.of(List.of("proxy.example"))).hasMessageContaining("proxy.example");
        assertThatThrownBy(() -> TrustedProxies.of(List.of("10.0.0.0/33"))).hasMessageContaining("prefix");
    }

    private static HttpHeaders headers(String name, String value) {
        return new DefaultHttpHeaders().add(name, value);
    }
}
