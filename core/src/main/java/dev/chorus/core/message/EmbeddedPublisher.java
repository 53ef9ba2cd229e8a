package dev.chorus.core.message;

import dev.chorus.core.history.EmbeddedHistoryStore;
import dev.chorus.core.limits.RateLimiter;
import java.util.concurrent.CompletableFuture;

/**
 * The publisher of a node on its own: rate and client keys in memory, history in the node's store, and each stored
 * message handed to the {@link MessageListener} of the faces that deliver it.
 */
public final class EmbeddedPublisher implements Publisher {
    private final EmbeddedHistoryStore history;
    private final RateLimiter rate;
    private final EmbeddedSentMessages sent;
    private final MessageListener listener;

    public EmbeddedPublisher(EmbeddedHistoryStore history, RateLimiter rate, EmbeddedSentMessages sent,
            MessageListener listener) {
        this.history = history;
        this.rate = rate;
        this.sent = sent;
        this.listener = listener;
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
        return history.append(post.message(0)).thenApply(message -> {
            listener.posted(post, message);
            return new Publication.Published(message);
        });
    }
}
