package io.headroom.app.ops.slo;

import java.time.Clock;
import java.time.Duration;

/**
 * One service-level objective over a rolling window (28 days by default): the share of good events it promises
 * ({@code target}, e.g. 0.999), the events seen, and the multi-window, multi-burn-rate alerts of the Google SRE
 * workbook: page when the budget burns at 14.4x over both the last hour and the last 5 minutes, ticket at 6x over
 * both 6 hours and 30 minutes. Minute buckets for the last 6 hours, hour buckets for the whole window. Injected
 * clock; thread-safe.
 */
public final class SloTracker {

    public enum Severity { PAGE, TICKET }

    /** The SLO's state now. */
    public record Status(String name, double target, long total, long bad, double budgetRemaining,
                         double burn5m, double burn30m, double burn1h, double burn6h, boolean page, boolean ticket) {
    }

    static final double PAGE_BURN = 14.4;
    static final double TICKET_BURN = 6.0;

    private final String name;
    private final double target;
    private final Clock clock;
    private final Buckets minutes = new Buckets(360, 60_000);
    private final Buckets hours;

    public SloTracker(String name, double target, Duration window, Clock clock) {
        if (target <= 0 || target >= 1) {
            throw new IllegalArgumentException("an SLO target is a share between 0 and 1, got " + target);
        }
        this.name = name;
        this.target = target;
        this.clock = clock;
        this.hours = new Buckets((int) Math.max(1, window.toHours()), 3_600_000);
    }

    public String name() {
        return name;
    }

    public synchronized void record(boolean good) {
        long now = clock.millis();
        minutes.add(now, good);
        hours.add(now, good);
    }

    public synchronized Status status() {
        long now = clock.millis();
        long[] all = hours.sum(now, hours.size);
        double allowedBad = all[0] * (1 - target);
        double budget = all[0] == 0 ? 1.0 : 1.0 - all[1] / allowedBad;
        double b5 = burn(minutes.sum(now, 5));
        double b30 = burn(minutes.sum(now, 30));
        double b60 = burn(minutes.sum(now, 60));
        double b360 = burn(minutes.sum(now, 360));
        return new Status(name, target, all[0], all[1], budget, b5, b30, b60, b360,
                b60 >= PAGE_BURN && b5 >= PAGE_BURN, b360 >= TICKET_BURN && b30 >= TICKET_BURN);
    }

    /** How fast the budget burns: the bad share over the window divided by the share the target allows. */
    private double burn(long[] totalAndBad) {
        return totalAndBad[0] == 0 ? 0 : (totalAndBad[1] / (double) totalAndBad[0]) / (1 - target);
    }

    /** Totals and bad counts in fixed-width time buckets, a ring of {@code size}. */
    private static final class Buckets {
        final int size;
        final long width;
        final long[] start;
        final long[] total;
        final long[] bad;

        Buckets(int size, long widthMillis) {
            this.size = size;
            this.width = widthMillis;
            this.start = new long[size];
            this.total = new long[size];
            this.bad = new long[size];
            java.util.Arrays.fill(start, Long.MIN_VALUE);
        }

        void add(long now, boolean good) {
            long bucket = Math.floorDiv(now, width);
            int i = (int) Math.floorMod(bucket, size);
            if (start[i] != bucket) {
                start[i] = bucket;
                total[i] = 0;
                bad[i] = 0;
            }
            total[i]++;
            if (!good) {
                bad[i]++;
            }
        }

        /** {total, bad} over the last {@code n} buckets, the current one included. */
        long[] sum(long now, int n) {
            long current = Math.floorDiv(now, width);
            long t = 0;
            long b = 0;
            for (int i = 0; i < size; i++) {
                if (start[i] > current - n && start[i] <= current) {
                    t += total[i];
                    b += bad[i];
                }
            }
            return new long[] {t, b};
        }
    }
}
