package io.headroom.jobs.internal;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter: after attempt {@code n} the retry waits a uniformly random time in
 * {@code [0, min(cap, base * 2^n))}. Jitter spreads the retries of jobs that failed together (an outage) so
 * that they do not come back as one wave.
 */
public final class Backoff {

    private final Duration base;
    private final Duration cap;
    private final RandomGenerator random;

    public Backoff(Duration base, Duration cap, RandomGenerator random) {
        this.base = base;
        this.cap = cap;
        this.random = random;
    }

    /** The ceiling of the wait after attempt {@code attempt} (from 1). */
    public Duration ceiling(int attempt) {
        long baseNanos = base.toNanos();
        int shift = Math.min(attempt, 62);
        long ceiling = baseNanos > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : baseNanos << shift;
        return Duration.ofNanos(Math.min(cap.toNanos(), ceiling));
    }

    /** A random wait in {@code [0, ceiling(attempt))}. */
    public Duration delay(int attempt) {
        long ceiling = ceiling(attempt).toNanos();
        return ceiling <= 0 ? Duration.ZERO : Duration.ofNanos(random.nextLong(ceiling));
    }
}
