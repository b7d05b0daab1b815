package io.headroom.calls;

import java.time.Clock;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Client-side adaptive throttling (Google SRE book, "Handling Overload"): when the dependency accepts fewer than
 * 1/K of what is asked of it, reject locally with probability {@code max(0, (requests - K * accepts) /
 * (requests + 1))} over a sliding window, so that a dependency that refuses work is not also flooded with it.
 * Requests count every call asked for, the locally rejected included; accepts count the calls the dependency
 * answered without refusing for overload. Below {@code minRequests} in the window it never rejects: a handful of
 * failures is the circuit breaker's to judge, not a reason to throttle. Thread-safe.
 */
public final class AdaptiveThrottle {

    private static final int REQUESTS = 0;
    private static final int ACCEPTS = 1;

    private final double k;
    private final int minRequests;
    private final RandomGenerator random;
    private final WindowCounts counts;

    public AdaptiveThrottle(Clock clock, double k, Duration window, int minRequests, RandomGenerator random) {
        if (k < 1) {
            throw new IllegalArgumentException("K must be at least 1, got " + k);
        }
        this.k = k;
        this.minRequests = minRequests;
        this.random = random;
        this.counts = new WindowCounts(clock, window, 2);
    }

    /** K = 2 over two minutes, as the SRE book suggests; at least 20 requests before rejecting. */
    public static AdaptiveThrottle standard(Clock clock, RandomGenerator random) {
        return new AdaptiveThrottle(clock, 2, Duration.ofMinutes(2), 20, random);
    }

    /** Counts a request and decides whether to send it. */
    public synchronized boolean allow() {
        boolean send = allowUncounted();
        counts.add(REQUESTS, 1);
        return send;
    }

    /**
     * Decides whether to send a request without counting it: for work that failed before (see
     * {@link CallPolicy#callAgain}), which is held back by the throttle but, like the breaker, not judged by it.
     */
    public synchronized boolean allowUncounted() {
        double p = rejectProbability();
        return p <= 0 || random.nextDouble() >= p;
    }

    /** The dependency accepted a request. */
    public synchronized void accepted() {
        counts.add(ACCEPTS, 1);
    }

    /** Forgets the window (the dependency has been seen healthy again). */
    public synchronized void reset() {
        counts.clear();
    }

    public synchronized double rejectProbability() {
        long requests = counts.sum(REQUESTS);
        if (requests < minRequests) {
            return 0;
        }
        long accepts = counts.sum(ACCEPTS);
        return Math.max(0, (requests - k * accepts) / (requests + 1));
    }
}
