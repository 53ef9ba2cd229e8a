package dev.chorus.chat.publish;

import dev.chorus.chat.history.LocalSentMessages;
import dev.chorus.chat.limits.RateLimiter;
import dev.chorus.chat.store.EmbeddedHistoryStore;
import dev.chorus.engine.sio.Namespace;
import java.util.concurrent.CompletableFuture;

/** The publisher of a node on its own: rate and client keys in memory, history in the node's store. */
public final class LocalPublisher implements Publisher {
    private final Namespace nsp;
    private final EmbeddedHistoryStore history;
    private final RateLimiter rate;
    private final LocalSentMessages sent;

    public LocalPublisher(Namespace nsp, EmbeddedHistoryStore history, RateLimiter rate, LocalSentMessages sent) {
        this.nsp = nsp;
        this.history = history;
        this.rate = rate;
        this.sent = sent;
    }

    @Override
    public CompletableFuture<Publication> publish(Post post) {
        String key = post.clientKey();
        if (key == null) {
            return send(post);
        }
        return sent.claim(post.user(), key).thenCompose(earlier -> {
            if (earlier.isPresent()) {
                return CompletableFuture.completedFuture(new Publication.AlreadySent(earlier.get()));
            }
            return send(post).whenComplete((publication, error) -> {
                if (publication instanceof Publication.Published published) {
                    sent.sent(post.user(), key, published.message().id());
                } else {
                    sent.release(post.user(), key);
                }
            });
        });
    }

    private CompletableFuture<Publication> send(Post post) {
        if (!rate.tryAcquire(post.user())) {
            return CompletableFuture.completedFuture(
                    new Publication.RateLimited(Math.max(1, rate.millisUntilNext(post.user()))));
        }
        return history.append(post.conversation(), post.user(), post.text(), post.ts()).thenApply(message -> {
            nsp.to(post.channels().toArray(String[]::new)).emit(post.event(), post.payload().apply(message));
            return new Publication.Published(message);
        });
    }
}
