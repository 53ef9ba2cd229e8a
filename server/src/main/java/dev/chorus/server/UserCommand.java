package dev.chorus.server;

import dev.chorus.cluster.redis.RedisBackbone;
import dev.chorus.cluster.store.RedisAccountStore;
import dev.chorus.core.account.AccountStore;
import dev.chorus.core.account.Accounts;
import dev.chorus.core.account.EmbeddedAccountStore;
import dev.chorus.core.account.PasswordHashing;
import dev.chorus.core.store.EmbeddedDatabase;
import dev.chorus.server.config.ConfigException;
import dev.chorus.server.config.Configuration;
import dev.chorus.server.config.Keys;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import org.h2.mvstore.MVStoreException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code chorus user}: manage accounts from the operator's shell, in the embedded store or the cluster's Redis. */
@Command(name = "user", mixinStandardHelpOptions = true, description = "Manage user accounts.",
        subcommands = {UserCommand.Add.class, UserCommand.Admin.class})
final class UserCommand {
    /** Where the accounts are: the same settings as {@code serve}'s, from flags, environment or config file. */
    static final class Store {
        @Option(names = "--config", paramLabel = "FILE", description = "YAML config file, as serve's.")
        Path configFile;

        @Option(names = "--data", paramLabel = "DIR", description = "Directory of the embedded store (default: data).")
        Path dataDir;

        @Option(names = "--redis", paramLabel = "URL", description = "The cluster's Redis, instead of a data directory.")
        String redisUrl;

        /** Opens the accounts, runs the work, closes them. @return the exit status */
        int with(StoreWork work) {
            Configuration config;
            try {
                Map<String, String> flags = new HashMap<>();
                if (dataDir != null) {
                    flags.put(Keys.DATA.name(), dataDir.toString());
                }
                if (redisUrl != null) {
                    flags.put(Keys.REDIS.name(), redisUrl);
                }
                config = ConfigFlags.resolve(flags, configFile);
            } catch (ConfigException e) {
                System.err.println("chorus: " + e.getMessage());
                return ServeCommand.CONFIG_REFUSED;
            }
            String url = config.get(Keys.REDIS);
            if (url != null) {
                RedisBackbone redis;
                try {
                    redis = RedisBackbone.connect(url);
                } catch (RuntimeException e) {
                    System.err.println("cannot reach Redis at " + Keys.REDIS.show(url) + ": " + e.getMessage());
                    return 1;
                }
                try {
                    return work.run(new RedisAccountStore(redis));
                } finally {
                    redis.close();
                }
            }
            EmbeddedDatabase database;
            try {
                database = EmbeddedDatabase.open(config.get(Keys.DATA));
            } catch (MVStoreException e) {
                System.err.println("cannot open the store in " + config.get(Keys.DATA) + " (is a node running on it?): "
                        + e.getMessage());
                return 1;
            }
            try {
                return work.run(new EmbeddedAccountStore(database));
            } finally {
                database.close();
            }
        }
    }

    @FunctionalInterface
    interface StoreWork {
        int run(AccountStore accounts);
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Create an account. The password is read from the terminal, or from standard input "
                    + "when it is not a terminal. With the embedded store, the node using it must be stopped.")
    static final class Add implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME", description = "The username.")
        String name;

        @Option(names = "--admin", description = "Give the account the admin flag.")
        boolean admin;

        @Mixin
        Store store;

        @Override
        public Integer call() throws IOException {
            String password = readPassword();
            if (password == null) {
                System.err.println("no password given");
                return 1;
            }
            return store.with(accounts -> {
                try (PasswordHashing hashing = PasswordHashing.forThisMachine()) {
                    new Accounts(accounts, hashing, Clock.systemUTC()).register(name, password, admin).join();
                    System.out.println("account " + name + " created" + (admin ? ", with the admin flag" : ""));
                    return 0;
                } catch (CompletionException e) {
                    System.err.println("account not created: " + e.getCause().getMessage());
                    return 1;
                }
            });
        }

        private static String readPassword() throws IOException {
            Console console = System.console();
            if (console != null) {
                char[] typed = console.readPassword("password: ");
                return typed == null ? null : new String(typed);
            }
            return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        }
    }

    @Command(name = "admin", mixinStandardHelpOptions = true,
            description = "Give an existing account the admin flag (the admin view at /admin), or take it with "
                    + "--revoke. Takes effect at the account's next request.")
    static final class Admin implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME", description = "The username.")
        String name;

        @Option(names = "--revoke", description = "Take the admin flag away.")
        boolean revoke;

        @Mixin
        Store store;

        @Override
        public Integer call() {
            return store.with(accounts -> {
                if (!accounts.setAdmin(name, !revoke).join()) {
                    System.err.println("no account " + name);
                    return 1;
                }
                System.out.println("account " + name + (revoke ? ": admin flag taken" : ": admin flag given"));
                return 0;
            });
        }
    }
}
