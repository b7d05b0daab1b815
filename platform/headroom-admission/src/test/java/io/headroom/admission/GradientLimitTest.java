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

    /** A mix: seven fast reads (1 ms at no load) to three slow writes (20 ms), saturated at the limit. */
    static void saturateMix(GradientLimit limit, int capacity, int n, boolean byKind) {
        for (int i = 0; i < n; i++) {
            int inflight = limit.limit();
            boolean slow = i % 10 >= 7;
            long rtt = latency(inflight, capacity) / (slow ? 1 : 10) * (slow ? 2 : 1);
            limit.onSample(byKind ? (slow ? "POST /v1/orders 2xx" : "GET /v1/products/{id} 2xx") : GradientLimit.ANY, rtt, inflight, false);
        }
    }

    @Test
    void aMixOfFastAndSlowRoutesGrowsTheLimitToCapacityWhenEachRouteIsItsOwnBaseline() {
        GradientLimit byKind = GradientLimit.standard();
        GradientLimit oneBaseline = GradientLimit.standard();
        saturateMix(byKind, 60, 5_000, true);
        saturateMix(oneBaseline, 60, 5_000, false);

        assertThat(byKind.limit()).isBetween(60, 95);
        assertThat(byKind.baselineNanos("GET /v1/products/{id} 2xx")).isEqualTo(BASE / 10);
        assertThat(byKind.baselineNanos("POST /v1/orders 2xx")).isEqualTo(BASE * 2);
        // The slow route measured against the fast one's baseline looks like queueing: the limit sinks to its floor.
        assertThat(oneBaseline.limit()).isEqualTo(4);
    }

    @Test
    void kindsBeyondTheBoundShareOneBaseline() {
        GradientLimit limit = GradientLimit.standard();
        for (int k = 0; k < GradientLimit.MAX_KINDS + 10; k++) {
            limit.onSample("route-" + k, k < GradientLimit.MAX_KINDS ? BASE + k : BASE * 2, 1, false);
        }

        assertThat(limit.baselineNanos("route-0")).isEqualTo(BASE);
        assertThat(limit.baselineNanos("route-" + (GradientLimit.MAX_KINDS - 1))).isEqualTo(BASE + GradientLimit.MAX_KINDS - 1);
        assertThat(limit.baselineNanos("route-" + (GradientLimit.MAX_KINDS + 5))).isEqualTo(-1);
        assertThat(limit.baselineNanos(GradientLimit.OTHER)).isEqualTo(BASE * 2);
    }

    /** Latency at no load varies: the fastest of ten requests takes 0.4x the typical, the slowest 1.6x. */
    static final double[] JITTER = {1.0, 0.4, 1.1, 0.9, 1.6, 1.0, 0.8, 1.2, 1.0, 1.3};

    @Test
    void theYardstickIsTheTypicalLatencyAtLowLoadNotTheFastest() {
        GradientLimit limit = GradientLimit.standard();
        for (int i = 0; i < 2_000; i++) {
            limit.onSample((long) (BASE * JITTER[i % JITTER.length]), 2, false);
        }
        // Measured against the fastest (0.4x), a typical request looks 2.5x slow and the limit would sink to 4.
        assertThat(limit.baselineNanos()).isEqualTo(BASE);
        assertThat(limit.limit()).isEqualTo(20);

        for (int i = 0; i < 5_000; i++) {
            int inflight = limit.limit();
            limit.onSample((long) (latency(inflight, 60) * JITTER[i % JITTER.length]), inflight, false);
        }
        assertThat(limit.limit()).isBetween(60, 95);
    }

    @Test
    void slowRequestsWithTheLimitLittleUsedLeaveItAloneAndSlowOnesAtTheLimitShrinkIt() {
        GradientLimit limit = GradientLimit.standard();
        for (int i = 0; i < 1_000; i++) {
            limit.onSample(BASE, 2, false);
        }
        // Slow with 3 of 20 in flight: the cause is elsewhere (a shared CPU, a pause), and the limit is not binding.
        for (int i = 0; i < 200; i++) {
            limit.onSample(BASE * 3, 3, false);
        }
        assertThat(limit.limit()).isEqualTo(20);

        for (int i = 0; i < 20; i++) {
            limit.onSample(BASE * 3, limit.limit(), false);
        }
        assertThat(limit.limit()).isLessThan(10);
    }

    @Test
    void requestsThatStartedBeforeACutDoNotCutAgainSoOneStallIsOneCut() {
        GradientLimit limit = GradientLimit.standard();
        saturate(limit, 60, 3_000);
        int before = limit.limit();
        // A stall: every request in flight finishes five times slower, all of them started before any cut.
        long cutsAtStart = limit.cuts();
        for (int i = 0; i < before; i++) {
            limit.onSample(GradientLimit.ANY, BASE * 5, before, false, cutsAtStart);
        }
        assertThat(limit.cuts()).isEqualTo(cutsAtStart + 1);
        assertThat(limit.limit()).isGreaterThanOrEqualTo((int) (before * 0.85));

        // Still slow, round trip after round trip: each round's requests started after the last cut and cut again.
        for (int round = 0; round < 10; round++) {
            long cuts = limit.cuts();
            int inflight = limit.limit();
            for (int i = 0; i < inflight; i++) {
                limit.onSample(GradientLimit.ANY, BASE * 5, inflight, false, cuts);
            }
        }
        assertThat(limit.limit()).isLessThan(before / 2);
    }

    @Test
    void withoutTheStartOfEachSampleEverySlowSampleCuts() {
        GradientLimit limit = GradientLimit.standard();
        saturate(limit, 60, 3_000);
        int before = limit.limit();
        // The same stall fed as if each request had started after the previous cut: the cuts compound.
        for (int i = 0; i < before; i++) {
            limit.onSample(BASE * 5, before, false);
        }
        assertThat(limit.limit()).isLessThan(before / 2);
    }

    /** A limit at its initial 20 with a 10 ms baseline, then stalls: slow requests with the limit in use, ten round trips. */
    private static GradientLimit cutByStalls() {
        GradientLimit limit = GradientLimit.standard();
        for (int i = 0; i < 1_000; i++) {
            limit.onSample(BASE, 2, false);
        }
        for (int round = 0; round < 10; round++) {
            limit.onSample(BASE * 5, limit.limit(), false);
        }
        return limit;
    }

    @Test
    void aLimitCutByAStallCreepsBackToItsInitialValueWhileLittleUsedAndHealthyButNoFurther() {
        GradientLimit limit = cutByStalls();
        int cut = limit.limit();
        assertThat(cut).isLessThan(12);

        // A moderate, healthy load after: 2 in flight, at the baseline's latency.
        for (int i = 0; i < 100; i++) {
            limit.onSample(BASE, 2, false);
        }
        assertThat(limit.limit()).isEqualTo(20);
        for (int i = 0; i < 1_000; i++) {
            limit.onSample(BASE, 2, false);
        }
        assertThat(limit.limit()).isEqualTo(20);
    }

    @Test
    void aCutLimitStaysCutWhileLatencyIsAboveTolerance() {
        GradientLimit limit = cutByStalls();
        int cut = limit.limit();
        // Little in flight but still slow (a slower machine, a shared CPU): not a reason to raise the limit again.
        // (500 samples: the baseline adopts a lasting slowdown at most 5% a window, 1.05^5 = 1.28x < 2x / 1.5.)
        for (int i = 0; i < 500; i++) {
            limit.onSample(BASE * 2, 1, false);
        }
        assertThat(limit.limit()).isEqualTo(cut);
    }
}
