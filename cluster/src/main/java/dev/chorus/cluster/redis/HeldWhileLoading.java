package dev.chorus.cluster.redis;

import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisLoadingException;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.netty.util.concurrent.EventExecutorGroup;
import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Makes a Redis that restarts look like one that is slow to answer. Lettuce holds the commands issued while it
 * reconnects, and sends again those that were in flight when the connection went, but two kinds still fail at once:
 * those Redis refuses while it reads its data back ({@code LOADING}), and the one the broken connection's error
 * lands on. Such a command is held here, with every command issued after it, and all of them are sent again, in the
 * order they were first issued, once Redis answers a PING.
 *
 * <p>Redis runs no command it answers {@code LOADING}. The one under a broken connection may have run before its
 * answer was lost; sending it again makes it at least once, as Lettuce's own resending of the others already is
 * (the chat's client keys make a message sent twice one message). It may then run after the commands that were in
 * flight behind it. A command still held when its timeout is up fails with a timeout, as it would waiting for a
 * reconnection.
 */
final class HeldWhileLoading implements InvocationHandler {
    private static final long PROBE_EVERY_MILLIS = 50;

    /** Told of each episode once, when it starts, and of each command held. */
    interface Listener {
        void holdStarted(String why);

        void commandHeld();
    }

    private final RedisAsyncCommands<?, ?> target;
    private final EventExecutorGroup timer;
    private final long timeoutNanos;
    private final Listener listener;
    private final Object lock = new Object();
    /** Commands waiting to be sent again, by the order they were issued in. */
    private final TreeMap<Long, Held> held = new TreeMap<>();
    private long issued;
    /** Commands sent and not answered yet: the episode ends once none of those can still be refused. */
    private int inFlight;
    private boolean holding;

    private record Held(long order, Method method, Object[] args, Answer answer, long deadline) {
    }

    private HeldWhileLoading(RedisAsyncCommands<?, ?> target, EventExecutorGroup timer, Duration timeout,
            Listener listener) {
        this.target = target;
        this.timer = timer;
        this.timeoutNanos = timeout.toNanos();
        this.listener = listener;
    }

    @SuppressWarnings("unchecked")
    static <K, V> RedisAsyncCommands<K, V> wrap(RedisAsyncCommands<K, V> target, EventExecutorGroup timer,
            Duration timeout, Listener listener) {
        return (RedisAsyncCommands<K, V>) Proxy.newProxyInstance(HeldWhileLoading.class.getClassLoader(),
                new Class<?>[] {RedisAsyncCommands.class},
                new HeldWhileLoading(target, timer, timeout, listener));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (!RedisFuture.class.isAssignableFrom(method.getReturnType())) {
            return call(method, args);
        }
        Held command;
        synchronized (lock) {
            command = new Held(issued++, method, args, new Answer(), System.nanoTime() + timeoutNanos);
            if (holding) {
                held.put(command.order(), command);
                return command.answer();
            }
            inFlight++;
        }
        send(command);
        return command.answer();
    }

    private void send(Held command) {
        RedisFuture<?> sent;
        try {
            sent = (RedisFuture<?>) call(command.method(), command.args());
        } catch (Throwable e) {
            answered();
            command.answer().completeExceptionally(e);
            return;
        }
        sent.whenComplete((value, error) -> {
            String why = reasonToHold(unwrap(error));
            if (why != null) {
                hold(command, why);
            } else {
                answered();
                if (error != null) {
                    command.answer().completeExceptionally(unwrap(error));
                } else {
                    command.answer().complete(value);
                }
            }
        });
    }

    private void answered() {
        synchronized (lock) {
            inFlight--;
        }
    }

    /** @return why a command that failed so is held and sent again, or null when it is not */
    private static String reasonToHold(Throwable error) {
        if (error instanceof RedisLoadingException) {
            return "loading its data";
        }
        if (error instanceof IOException || error instanceof RedisConnectionException) {
            return "connection lost";
        }
        return null;
    }

    private void hold(Held command, String why) {
        boolean started;
        synchronized (lock) {
            inFlight--;
            held.put(command.order(), command);
            started = !holding;
            holding = true;
        }
        listener.commandHeld();
        if (started) {
            listener.holdStarted(why);
            probeLater();
        }
    }

    private void probeLater() {
        timer.schedule(this::probe, PROBE_EVERY_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void probe() {
        expire();
        target.ping().whenComplete((pong, error) -> {
            if (error != null) {
                probeLater();
            } else {
                release();
            }
        });
    }

    /** Sends the held commands again, in order, unless some sent before the hold may still be refused. */
    private void release() {
        synchronized (lock) {
            if (inFlight > 0) {
                probeLater();
                return;
            }
            List<Held> again = new ArrayList<>(held.values());
            held.clear();
            holding = false;
            inFlight += again.size();
            // Under the lock: a command issued meanwhile waits, and goes out after these.
            again.forEach(this::send);
        }
    }

    private void expire() {
        long now = System.nanoTime();
        List<Held> expired = new ArrayList<>();
        synchronized (lock) {
            for (Iterator<Map.Entry<Long, Held>> it = held.entrySet().iterator(); it.hasNext(); ) {
                Held command = it.next().getValue();
                if (now - command.deadline() > 0) {
                    expired.add(command);
                    it.remove();
                }
            }
        }
        expired.forEach(command -> command.answer().completeExceptionally(new RedisCommandTimeoutException(
                "Redis was still not back after " + Duration.ofNanos(timeoutNanos).toSeconds() + " s")));
    }

    private Object call(Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    /** The future a caller holds, whichever attempt answers it. */
    private static final class Answer extends CompletableFuture<Object> implements RedisFuture<Object> {
        @Override
        public String getError() {
            if (!isCompletedExceptionally()) {
                return null;
            }
            try {
                join();
                return null;
            } catch (CompletionException e) {
                return String.valueOf(unwrap(e).getMessage());
            }
        }

        @Override
        public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
            try {
                get(timeout, unit);
            } catch (ExecutionException e) {
                return true;
            } catch (TimeoutException e) {
                return false;
            }
            return true;
        }
    }
}
