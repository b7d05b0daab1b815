package io.headroom.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock tests move by hand, so that leases, backoff, limiters, breakers and deadlines are checked without
 * sleeping. {@link #nanoTime()} is a ticker that moves with it.
 */
public final class MutableClock extends Clock {

    private volatile Instant now;
    private volatile long nanos = 1_000_000_000L;

    /** Starts at 2026-11-22T10:00:00Z. */
    public MutableClock() {
        this(Instant.parse("2026-11-22T10:00:00Z"));
    }

    public MutableClock(Instant start) {
        this.now = start;
    }

    /** Starts at the real current time (for code that compares with the database's clock). */
    public static MutableClock atNow() {
        return new MutableClock(Instant.now());
    }

    public void advance(Duration by) {
        now = now.plus(by);
        nanos += by.toNanos();
    }

    /** A ticker for code that takes one ({@code LongSupplier}): moves with {@link #advance}. */
    public long nanoTime() {
        return nanos;
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
