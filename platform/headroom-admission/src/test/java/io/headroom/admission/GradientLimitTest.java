package io.headroom.admission;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The limit against a simulated service whose latency grows once more than its capacity is in flight. */
class GradientLimitTest {

    static final long BASE = 10_000_000; // 10 ms

    /** Latency of a service with {@code capacity} workers: queueing beyond it. */
    static long latency(int inflight, int capacity) {
        return inflight <= capacity ? BASE : BASE * inflight / capacity;
    }

    /** Runs n samples with the offered concurrency at the limit (a saturated system). */
    static void saturate(GradientLimit limit, int capacity, int n) {
        for (int i = 0; i < n; i++) {
            int inflight = limit.limit();
            limit.onSample(latency(inflight, capacity), inflight, false);
        }
    }

    @Test
    void theLimitGrowsToTheServicesCapacityAndStaysNearIt() {
        GradientLimit limit = GradientLimit.standard();
        saturate(limit, 60, 5_000);

        assertThat(limit.limit()).isBetween(60, 95);
        assertThat(limit.baselineNanos()).isEqualTo(BASE);
    }

    @Test
    void itDoesNotDriftUpUnderSustainedSaturation() {
        GradientLimit limit = GradientLimit.standard();
        // Always saturated, latency tracking concurrency: Gradient2's long-term average and Vegas' no-load RTT would
        // follow the raised latency up, and the limit with them.
        saturate(limit, 60, 50_000);

        assertThat(limit.baselineNanos()).isEqualTo(BASE);
        assertThat(limit.limit()).isBetween(60, 95);
    }

    @Test
    void aSlowerServiceSeenAtLowLoadRaisesTheBaselineAtMostFivePercentAWindow() {
        GradientLimit limit = new GradientLimit(20, 4, 1000, 1.5, 0.2, 100, 10);
        for (int i = 0; i < 1_000; i++) {
            limit.onSample(BASE, 1, false);
        }
        for (int i = 0; i < 1_000; i++) {
            limit.onSample(BASE * 3, 1, false);
        }
        // The 10 windows of fast samples age out first; then the baseline rises by 5% at most per window.
        assertThat(limit.baselineNanos()).isBetween(BASE, (long) (BASE * 1.05));
        for (int i = 0; i < 1_000; i++) {
            limit.onSample(BASE * 3, 1, false);
        }
        assertThat(limit.baselineNanos()).isGreaterThan((long) (BASE * 1.3)).isLessThanOrEqualTo((long) (BASE * Math.pow(1.05, 11)));
    }

    @Test
    void itShrinksUnderOverloadAndRecoversAfter() {
        GradientLimit limit = GradientLimit.standard();
        saturate(limit, 60, 3_000);
        int before = limit.limit();
        for (int i = 0; i < 200; i++) {
            limit.onSample(BASE * 5, limit.limit(), false);
        }
        int during = limit.limit();
        saturate(limit, 60, 3_000);

        assertThat(during).isLessThan(before / 2);
        assertThat(limit.limit()).isGreaterThanOrEqualTo(60);
    }

    @Test
    void itDoesNotGrowWhenTheLimitIsNotUsed() {
        GradientLimit limit = GradientLimit.standard();
        for (int i = 0; i < 5_000; i++) {
            limit.onSample(BASE, 3, false);
        }
        assertThat(limit.limit()).isEqualTo(20);
    }
}
