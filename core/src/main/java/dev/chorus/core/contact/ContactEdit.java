package dev.chorus.core.contact;

import java.util.List;

/**
 * A change to one record, applied in one atomic step by the store: the flags it sets (the others stay as they are)
 * and, optionally, the name and groups. Its wire form, {@link #mask()}, is what both stores apply.
 */
public final class ContactEdit {
    private final char[] mask = ContactRecord.UNCHANGED.toCharArray();
    private String details;

    public static ContactEdit edit() {
        return new ContactEdit();
    }

    public ContactEdit listed(boolean value) {
        return set(ContactRecord.LISTED, value);
    }

    public ContactEdit receives(boolean value) {
        return set(ContactRecord.RECEIVES, value);
    }

    public ContactEdit shares(boolean value) {
        return set(ContactRecord.SHARES, value);
    }

    public ContactEdit asked(boolean value) {
        return set(ContactRecord.ASKED, value);
    }

    public ContactEdit askedBy(boolean value) {
        return set(ContactRecord.ASKED_BY, value);
    }

    /** Names the contact and puts them in these groups. */
    public ContactEdit details(String name, List<String> groups) {
        this.details = ContactRecord.details(name, groups);
        return this;
    }

    /** One character per flag: '1' sets it, '0' clears it, '-' leaves it. */
    public String mask() {
        return new String(mask);
    }

    /** The name and groups as stored; null when they stay as they are. */
    public String details() {
        return details;
    }

    /** The record this edit makes of {@code stored} (null when there is none); null when nothing is left of it. */
    public String applyTo(String stored) {
        return ContactRecord.apply(stored, mask(), details);
    }

    private ContactEdit set(int flag, boolean value) {
        mask[flag] = value ? '1' : '0';
        return this;
    }
}
