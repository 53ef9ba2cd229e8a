package dev.chorus.cluster.adapter;

/** A Redis stream entry id, {@code <milliseconds>-<sequence>}, which is also the offset recovering clients send. */
record StreamId(long millis, long sequence) implements Comparable<StreamId> {
    static final StreamId ZERO = new StreamId(0, 0);
    private static final int MOST_DIGITS = 19;

    /** @return the id, or null when the text is not one */
    static StreamId parse(String text) {
        if (text == null) {
            return null;
        }
        int dash = text.indexOf('-');
        if (!digits(text, 0, dash) || !digits(text, dash + 1, text.length())) {
            return null;
        }
        try {
            return new StreamId(Long.parseLong(text, 0, dash, 10), Long.parseLong(text, dash + 1, text.length(), 10));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Whether the text from {@code from} to {@code to} is one to nineteen ASCII digits. */
    private static boolean digits(String text, int from, int to) {
        if (to - from < 1 || to - from > MOST_DIGITS) {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    @Override
    public int compareTo(StreamId other) {
        return compare(millis, sequence, other);
    }

    /** How the id of these two parts compares to {@code other}, without making it: for ids kept as numbers. */
    static int compare(long millis, long sequence, StreamId other) {
        int byMillis = Long.compareUnsigned(millis, other.millis);
        return byMillis != 0 ? byMillis : Long.compareUnsigned(sequence, other.sequence);
    }

    @Override
    public String toString() {
        return Long.toUnsignedString(millis) + "-" + Long.toUnsignedString(sequence);
    }
}
