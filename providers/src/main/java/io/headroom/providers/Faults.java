package io.headroom.providers;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;

/**
 * The fault currently set for one provider, with its expiry. Thread-safe: the spec and its end are replaced
 * together.
 */
final class Faults {

    /** Decides, for one request, what the fault does to it. */
    record Decision(Duration delay, int errorStatus, boolean hang, boolean outage, boolean afterEffect) {

        static final Decision NONE = new Decision(Duration.ZERO, 0, false, false, false);

        boolean fails() {
            return errorStatus != 0 || hang || outage;
        }
    }

    private record Active(FaultSpec spec, Instant until) {
    }

    private final Clock clock;
    private final RandomGenerator random;
    private volatile Active active = new Active(FaultSpec.NONE, null);

    Faults(Clock clock, RandomGenerator random) {
        this.clock = clock;
        this.random = random;
    }

    void set(FaultSpec spec) {
        Instant until = spec.durationMs() == null ? null : clock.instant().plusMillis(spec.durationMs());
        active = new Active(spec, until);
    }

    void clear() {
        active = new Active(FaultSpec.NONE, null);
    }

    /** The fault in force now, or {@link FaultSpec#NONE} once it has expired. */
    FaultSpec current() {
        Active a = active;
        if (a.until != null && !clock.instant().isBefore(a.until)) {
            return FaultSpec.NONE;
        }
        return a.spec;
    }

    /** When the current fault ends, or null if it lasts until cleared (or there is none). */
    Instant until() {
        return current() == FaultSpec.NONE ? null : active.until;
    }

    Decision decide() {
        FaultSpec spec = current();
        if (spec == FaultSpec.NONE) {
            return Decision.NONE;
        }
        long delay = spec.latencyMs() == null ? 0 : spec.latencyMs();
        if (spec.jitter() != null) {
            FaultSpec.Jitter j = spec.jitter();
            long extra = "uniform".equals(j.distribution())
                    ? (long) (random.nextDouble() * j.maxMs())
                    : (long) (-Math.log(1 - random.nextDouble()) * j.meanMs());
            delay += Math.min(extra, j.maxMs());
        }
        int status = 0;
        if (spec.errorShare() > 0 && random.nextDouble() < spec.errorShare()) {
            var statuses = spec.statuses();
            status = statuses.get(random.nextInt(statuses.size()));
        }
        return new Decision(Duration.ofMillis(delay), status, spec.hangs(), spec.down(), spec.afterTheEffect());
    }
}
