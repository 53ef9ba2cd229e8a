package dev.chorus.cluster.store;

import dev.chorus.cluster.redis.LuaScript;
import dev.chorus.cluster.redis.RedisBackbone;
import dev.chorus.core.limits.Budget;
import dev.chorus.core.limits.Budgets;
import io.lettuce.core.ScriptOutputType;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@link Budgets} the cluster shares: each bucket a hash {@code <prefix>budget:<key>} of its tokens and when they
 * were counted, expiring once it would have refilled (a full bucket needs no key). One script checks and takes from
 * all the buckets of a call, so no two nodes can both take the last token.
 */
public final class RedisBudgets implements Budgets {
    // ARGV: now (ms), then 'take' or 'give', then per key its rate per ms, its burst and the call's cost. A cost
    // above the burst waits "forever" (a day, more than any limit's period).
    private static final String CHANGE = """
            local now = tonumber(ARGV[1])
            local give = ARGV[2] == 'give'
            local tokens = {}
            local wait = 0
            for i, key in ipairs(KEYS) do
              local rate = tonumber(ARGV[3 * i])
              local burst = tonumber(ARGV[1 + 3 * i])
              local cost = tonumber(ARGV[2 + 3 * i])
              local bucket = redis.call('HMGET', key, 't', 'at')
              local saved = tonumber(bucket[1]) or burst
              local since = math.max(0, now - (tonumber(bucket[2]) or now))
              tokens[i] = math.min(burst, saved + since * rate)
              if not give and tokens[i] < cost then
                wait = math.max(wait, cost > burst and 86400000 or math.ceil((cost - tokens[i]) / rate))
              end
            end
            if wait > 0 then return wait end
            for i, key in ipairs(KEYS) do
              local rate = tonumber(ARGV[3 * i])
              local burst = tonumber(ARGV[1 + 3 * i])
              local cost = tonumber(ARGV[2 + 3 * i])
              local left = give and math.min(burst, tokens[i] + cost) or tokens[i] - cost
              if left >= burst then
                redis.call('DEL', key)
              else
                redis.call('HSET', key, 't', tostring(left), 'at', ARGV[1])
                redis.call('PEXPIRE', key, math.max(1, math.ceil((burst - left) / rate)))
              end
            end
            return 0
            """;

    private final LuaScript change;
    private final Clock clock;
    private final String keyPrefix;

    public RedisBudgets(RedisBackbone backbone, Clock clock) {
        this(backbone, clock, RedisKeys.DEFAULT_PREFIX);
    }

    public RedisBudgets(RedisBackbone backbone, Clock clock, String prefix) {
        this.change = new LuaScript(backbone.strings(), CHANGE);
        this.clock = clock;
        this.keyPrefix = prefix + "budget:";
    }

    @Override
    public CompletableFuture<Long> take(List<Budget> budgets) {
        return run(budgets, "take");
    }

    @Override
    public CompletableFuture<Void> giveBack(List<Budget> budgets) {
        return run(budgets, "give").thenApply(done -> null);
    }

    private CompletableFuture<Long> run(List<Budget> budgets, String how) {
        String[] keys = new String[budgets.size()];
        List<String> args = new ArrayList<>();
        args.add(Long.toString(clock.millis()));
        args.add(how);
        for (int i = 0; i < keys.length; i++) {
            Budget budget = budgets.get(i);
            keys[i] = keyPrefix + budget.key();
            args.add(Double.toString(budget.perSecond() / 1000));
            args.add(Integer.toString(budget.burst()));
            args.add(Integer.toString(budget.cost()));
        }
        return change.run(ScriptOutputType.INTEGER, keys, args.toArray(String[]::new));
    }
}
