package io.headroom.calls;

import java.time.Clock;
import java.time.Duration;

/**
 * Caps retries at a share of calls, so that an outage cannot multiply the load on a dependency: over a sliding
 * window, retries may be at most {@code ratio} x first attempts, plus a floor of {@code minPerSecond} x window
 * seconds so that a quiet dependency can still be retried (Finagle's RetryBudget and Envoy's retry budget work the
 * same way). Thread-safe.
 */
public final class RetryBudget {

    private static final int CALLS = 0;
    private static final int RETRIES = 1;

    private final double ratio;
    private final double minPerSecond;
    private final long windowSeconds;
    private final WindowCounts counts;

    public RetryBudget(Clock clock, double ratio, double minPerSecond, Duration window) {
        if (ratio < 0 || ratio > 1 || minPerSecond < 0) {
            throw new IllegalArgumentException("ratio must be within 0..1 and minPerSecond at least 0");
        }
        this.ratio = ratio;
        this.minPerSecond = minPerSecond;
        this.windowSeconds = window.toSeconds();
        this.counts = new WindowCounts(clock, window, 2);
    }

    /** The default: retries at most 10% of calls, plus 1 per second over 10 s. */
    public static RetryBudget standard(Clock clock) {
        return new RetryBudget(clock, 0.1, 0.1, Duration.ofSeconds(10));
    }

    /** A first attempt was made: it earns {@code ratio} of a retry. */
    public synchronized void recordCall() {
        counts.add(CALLS, 1);
    }

    /** Takes one retry from the budget if there is one. */
    public synchronized boolean tryRetry() {
        if (available() >= 1) {
            counts.add(RETRIES, 1);
            return true;
        }
        return false;
    }

    /** Retries the budget still allows now (may be fractional). */
    public synchronized double available() {
        return ratio * counts.sum(CALLS) + minPerSecond * windowSeconds - counts.sum(RETRIES);
    }
}
