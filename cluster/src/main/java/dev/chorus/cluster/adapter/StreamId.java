package dev.chorus.cluster.adapter;

import java.util.regex.Pattern;

/** A Redis stream entry id, {@code <milliseconds>-<sequence>}, which is also the offset recovering clients send. */
record StreamId(long millis, long sequence) implements Comparable<StreamId> {
    static final StreamId ZERO = new StreamId(0, 0);
    private static final Pattern SHAPE = Pattern.compile("^[0-9]{1,19}-[0-9]{1,19}$");

    /** @return the id, or null when the text is not one */
    static StreamId parse(String text) {
        if (text == null || !SHAPE.matcher(text).matches()) {
            return null;
        }
        int dash = text.indexOf('-');
        try {
            return new StreamId(Long.parseLong(text, 0, dash, 10), Long.parseLong(text, dash + 1, text.length(), 10));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public int compareTo(StreamId other) {
        int byMillis = Long.compareUnsigned(millis, other.millis);
        return byMillis != 0 ? byMillis : Long.compareUnsigned(sequence, other.sequence);
    }

    @Override
    public String toString() {
        return Long.toUnsignedString(millis) + "-" + Long.toUnsignedString(sequence);
    }
}
