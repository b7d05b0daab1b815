package io.headroom.admission;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When the caller stops waiting. Set once per request (from {@code Request-Timeout} or the route's default) and
 * visible to all code on the request's thread through {@link #current()}, so that SQL statements, pool acquires
 * and outbound calls can each take only what is left.
 */
public record Deadline(Instant at) {

    private static final ThreadLocal<Deadline> CURRENT = new ThreadLocal<>();

    public static Deadline after(Clock clock, Duration budget) {
        return new Deadline(clock.instant().plus(budget));
    }

    public Duration remaining(Clock clock) {
        Duration left = Duration.between(clock.instant(), at);
        return left.isNegative() ? Duration.ZERO : left;
    }

    public boolean expired(Clock clock) {
        return !clock.instant().isBefore(at);
    }

    /** The deadline of the work running on this thread, if it has one. */
    public static Optional<Deadline> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    /** Binds this deadline to the thread until the scope is closed (which restores the one before). */
    public Scope bind() {
        Deadline before = CURRENT.get();
        CURRENT.set(this);
        return () -> {
            if (before == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(before);
            }
        };
    }

    /** A bound deadline; closing it restores the one before. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** @throws DeadlineExceeded if this deadline has passed: the work it bounds must not start */
    public void check(Clock clock, String what) {
        if (expired(clock)) {
            throw new DeadlineExceeded(what + " not started: the request's deadline passed " + Duration.between(at, clock.instant()).toMillis() + " ms ago");
        }
    }
}
