package dev.chorus.core.account;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class UsernameRulesTest {
    @ParameterizedTest
    @ValueSource(strings = {"bob", "Alice", "a.b-c_d", "007", "x__", "abcdefghijklmnopqrstuvwxyz012345"})
    void acceptsLettersDigitsDotsDashesAndUnderscores(String name) {
        assertThat(UsernameRules.check(name)).isEmpty();
    }

    @ParameterizedTest
    @NullAndEmptySource
    void requiresAName(String name) {
        assertThat(UsernameRules.check(name)).hasValue("username is required");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ab", "abcdefghijklmnopqrstuvwxyz0123456"})
    void refusesNamesShorterThan3OrLongerThan32(String name) {
        assertThat(UsernameRules.check(name)).hasValueSatisfying(reason -> assertThat(reason).contains("3 to 32"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"_bob", ".bob", "-bob", "bo b", "bob!", "bob/x", "bö b", "böb", "bob\n", "<b>x</b>"})
    void refusesOtherCharactersAndALeadingSymbol(String name) {
        assertThat(UsernameRules.check(name)).hasValueSatisfying(reason -> assertThat(reason).contains("only letters"));
    }
}
