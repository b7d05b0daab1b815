package io.headroom.admission;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock (and nanosecond ticker) tests move by hand. */
final class MutableClock extends Clock {

    private volatile Instant now = Instant.parse("2026-11-22T10:00:00Z");
    private volatile long nanos = 1_000_000_000L;

    void advance(Duration d) {
        now = now.plus(d);
        nanos += d.toNanos();
    }

    long nanoTime() {
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
