package io.headroom.jobs;

import java.time.Duration;
import java.util.Objects;

/**
 * Thrown by a handler that did no work because something it needs refuses work for a while and nothing was attempted
 * (a dependency's circuit breaker is open, say): the job goes back to pending, runs again after {@link #delay()}, and
 * the attempt is given back. Without this, a breaker that opened because of a few bad jobs would burn every healthy
 * job's attempts while it stays open and bury them in the dead-letter queue. Postponing is not failing: it adds no
 * error to the job's history and never dead-letters; a job postponed again and again shows as queue age.
 */
public class PostponeJob extends RuntimeException {

    private final Duration delay;

    public PostponeJob(Duration delay, String reason) {
        super(reason, null, false, false);
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("a job cannot be postponed by a negative delay: " + delay);
        }
        this.delay = delay;
    }

    /** How long from now the job waits before it may be claimed again. */
    public Duration delay() {
        return delay;
    }
}
