package dev.chorus.core.account;

import java.util.Optional;
import java.util.regex.Pattern;

/** What a username may be: 3 to 32 letters, digits, '.', '_' or '-', starting with a letter or digit. */
public final class UsernameRules {
    public static final int MIN_LENGTH = 3;
    public static final int MAX_LENGTH = 32;
    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private UsernameRules() {
    }

    /** @return why the name is refused, or empty when it is fine */
    public static Optional<String> check(String username) {
        if (username == null || username.isEmpty()) {
            return Optional.of("username is required");
        }
        if (username.length() < MIN_LENGTH || username.length() > MAX_LENGTH) {
            return Optional.of("username must be " + MIN_LENGTH + " to " + MAX_LENGTH + " characters long");
        }
        if (!ALLOWED.matcher(username).matches()) {
            return Optional.of("username may hold only letters, digits, '.', '_' and '-', and must start with a "
                    + "letter or digit");
        }
        return Optional.empty();
    }
}
