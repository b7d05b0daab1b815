package io.headroom.calls;

import java.time.Clock;
import java.time.Duration;

/**
 * Counts of a few series (requests, accepts, retries ...) over a sliding window of whole seconds, on an injected
 * clock. Not thread-safe; its owners synchronize.
 */
final class WindowCounts {

    private final Clock clock;
    private final int seconds;
    private final long[][] buckets;
    private final long[] bucketSecond;

    WindowCounts(Clock clock, Duration window, int series) {
        if (window.toSeconds() < 1) {
            throw new IllegalArgumentException("the window must be at least one second, got " + window);
        }
        this.clock = clock;
        this.seconds = (int) window.toSeconds();
        this.buckets = new long[seconds][series];
        this.bucketSecond = new long[seconds];
        java.util.Arrays.fill(bucketSecond, Long.MIN_VALUE);
    }

    void add(int series, long amount) {
        long now = Math.floorDiv(clock.millis(), 1000);
        int i = (int) Math.floorMod(now, seconds);
        if (bucketSecond[i] != now) {
            java.util.Arrays.fill(buckets[i], 0);
            bucketSecond[i] = now;
        }
        buckets[i][series] += amount;
    }

    void clear() {
        java.util.Arrays.fill(bucketSecond, Long.MIN_VALUE);
    }

    /** The series' total over the last {@code seconds} seconds, this one included. */
    long sum(int series) {
        long now = Math.floorDiv(clock.millis(), 1000);
        long total = 0;
        for (int i = 0; i < seconds; i++) {
            if (bucketSecond[i] > now - seconds) {
                total += buckets[i][series];
            }
        }
        return total;
    }
}
