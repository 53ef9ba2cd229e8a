package dev.chorus.server;

import dev.chorus.chat.account.Accounts;
import dev.chorus.chat.store.EmbeddedAccountStore;
import dev.chorus.chat.store.EmbeddedDatabase;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import org.h2.mvstore.MVStoreException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code chorus user}: manage accounts from the operator's shell. */
@Command(name = "user", mixinStandardHelpOptions = true, description = "Manage user accounts.",
        subcommands = UserCommand.Add.class)
final class UserCommand {
    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Create an account. The password is read from the terminal, or from standard input "
                    + "when it is not a terminal. The node using the data directory must be stopped.")
    static final class Add implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME", description = "The username.")
        String name;

        @Option(names = "--data", defaultValue = "data", paramLabel = "DIR",
                description = "Directory of the embedded store (default: ${DEFAULT-VALUE}).")
        Path dataDir;

        @Option(names = "--admin", description = "Give the account the admin flag.")
        boolean admin;

        @Override
        public Integer call() throws IOException {
            String password = readPassword();
            if (password == null) {
                System.err.println("no password given");
                return 1;
            }
            EmbeddedDatabase database;
            try {
                database = EmbeddedDatabase.open(dataDir);
            } catch (MVStoreException e) {
                System.err.println("cannot open the store in " + dataDir + " (is a node running on it?): "
                        + e.getMessage());
                return 1;
            }
            ExecutorService hashing = Node.passwordHashingPool();
            try {
                new Accounts(new EmbeddedAccountStore(database), hashing, Clock.systemUTC())
                        .register(name, password, admin).join();
                System.out.println("account " + name + " created");
                return 0;
            } catch (CompletionException e) {
                System.err.println("account not created: " + e.getCause().getMessage());
                return 1;
            } finally {
                hashing.shutdown();
                database.close();
            }
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
}
