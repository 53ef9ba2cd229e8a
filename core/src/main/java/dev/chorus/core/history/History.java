package dev.chorus.core.history;

import dev.chorus.core.Answer;
import dev.chorus.core.account.UsernameRules;
import dev.chorus.core.limits.RequestLimits.Kind;
import dev.chorus.core.limits.RequestLimits;
import dev.chorus.core.room.RoomNames;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** What was said: pages of a room's history, or of two users' direct conversation. */
public final class History {
    private static final int MAX_PAGE = 100;
    private static final int DEFAULT_PAGE = 50;
    /** The most of a user's conversations a page of their whole archive reads, going back and going forward. */
    static final int SEARCHED_BACK = 100;
    static final int SEARCHED_FORWARD = 1000;

    private final HistoryStore store;
    private final RequestLimits limits;

    public History(HistoryStore store, RequestLimits limits) {
        this.store = store;
        this.limits = limits;
    }

    /**
     * A page of a room's messages, oldest first: those after {@code after} when given, else the last ones before
     * {@code before} (or the last ones).
     *
     * @param user  who asks
     * @param limit how many at most: 50 when null, never more than 100
     */
    public CompletableFuture<Answer<List<ChatMessage>>> room(String user, String room, Long before, Long after,
            Integer limit) {
        var problem = RoomNames.check(room);
        if (problem.isPresent()) {
            return CompletableFuture.completedFuture(Answer.refused(problem.get()));
        }
        int size = pageSize(limit);
        return allowed(user, Kind.HISTORY, () -> after != null ? store.after(room, after, size)
                : store.before(room, before, size));
    }

    /** A page of the direct conversation of two users, as {@link #room} pages a room. */
    public CompletableFuture<Answer<List<ChatMessage>>> direct(String user, String with, Long before, Long after,
            Integer limit) {
        var problem = UsernameRules.check(with);
        if (problem.isPresent()) {
            return CompletableFuture.completedFuture(Answer.refused(problem.get()));
        }
        String conversation = RoomNames.direct(user, with);
        int size = pageSize(limit);
        return allowed(user, Kind.DIRECT_HISTORY, () -> after != null ? store.after(conversation, after, size)
                : store.before(conversation, before, size));
    }

    /**
     * A page of everything said to and by a user in their direct conversations, as {@link #room} pages a room: the
     * conversations' pages read side by side and merged by id (ids are the milliseconds of each message's append,
     * wherever they can be). Going back, the {@link #SEARCHED_BACK} conversations active last are read; going
     * forward, those active since, {@link #SEARCHED_FORWARD} at most.
     */
    public CompletableFuture<Answer<List<ChatMessage>>> archive(String user, Long before, Long after,
            Integer limit) {
        int size = pageSize(limit);
        return allowed(user, Kind.DIRECT_HISTORY, () -> store.conversations(user, after == null ? 0 : after,
                after == null ? SEARCHED_BACK : SEARCHED_FORWARD).thenCompose(conversations -> {
                    List<CompletableFuture<List<ChatMessage>>> pages = conversations.stream()
                            .map(conversation -> after != null ? store.after(conversation, after, size)
                                    : store.before(conversation, before, size))
                            .toList();
                    return CompletableFuture.allOf(pages.toArray(CompletableFuture[]::new)).thenApply(read -> {
                        List<ChatMessage> merged = pages.stream().flatMap(page -> page.join().stream())
                                .sorted(Comparator.comparingLong(ChatMessage::id).thenComparing(ChatMessage::room))
                                .toList();
                        return after != null ? merged.subList(0, Math.min(size, merged.size()))
                                : merged.subList(Math.max(0, merged.size() - size), merged.size());
                    });
                }));
    }

    private CompletableFuture<Answer<List<ChatMessage>>> allowed(String user, Kind kind,
            Supplier<CompletableFuture<List<ChatMessage>>> read) {
        return limits.allow(user, kind).thenCompose(allowed -> allowed ? read.get().thenApply(Answer::done)
                : CompletableFuture.completedFuture(Answer.refused(RequestLimits.REFUSED)));
    }

    private static int pageSize(Integer asked) {
        return asked == null ? DEFAULT_PAGE : Math.max(1, Math.min(MAX_PAGE, asked));
    }
}
