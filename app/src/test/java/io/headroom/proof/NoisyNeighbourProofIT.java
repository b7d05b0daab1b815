package io.headroom.proof;

import io.headroom.lab.analysis.Results;
import io.headroom.lab.proof.ProofVerdict;
import io.headroom.testing.FreshDatabase;
import io.headroom.testing.TestDatabase;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Proof verdict 3: six tenants beside a seventh, first at its quota (the baseline), then at 10x it; the six's latency
 * and success rate beside the noisy tenant are compared with the baseline.
 */
@FreshDatabase
class NoisyNeighbourProofIT {

    @Test
    void aTenantAtTenTimesItsQuotaLeavesTheOthersTheirLatencyAndSuccessRate(TestDatabase db) throws Exception {
        try (ProofSystem system = ProofSystem.start("noisy-neighbour", db.jdbcUrl())) {
            system.startApp();
            Results run = system.lab("noisy-neighbour.yaml", "hardened", Map.of());
            Results.PhaseSummary alone = Phases.named(run, "alone");
            Results.PhaseSummary baseline = Phases.named(run, "baseline");
            Results.PhaseSummary noisy = Phases.named(run, "noisy");
            double successBefore = Phases.success(run, "baseline");
            double successDuring = Phases.success(run, "noisy");
            double atQuotaServed = Phases.labelShare(run, "baseline", "noisy", Results.LabelRow::goodput);
            double noisyRefused = Phases.labelShare(run, "noisy", "noisy", Results.LabelRow::shed);

            ProofVerdict verdict = system.verdict(3, "Noisy neighbour", """
                    Six tenants on the standard plan (50 requests/s each) send 100 requests/s between them (150/s until \
                    2026-12-07, which on a host about twice as slow as usual saturated the machine by itself: 97.1% served in \
                    the baseline): alone, then beside a \
                    seventh tenant sending its quota of 50 requests/s (the baseline), then beside the same tenant sending \
                    500 requests/s, ten times its quota. The quota admits 50/s of the 500 either way, so what the baseline and \
                    the noisy phase differ by is the excess: 450 requests/s refused with 429. The six keep their success rate \
                    (within 0.5 point: 10 of the phase's 2,000 requests) and their p99 within 1.25x of the baseline. What gates: \
                    the noisy tenant is refused, and the six are not taken down (at least 97% served); the rest is reported. \
                    Refusing 450 requests/s costs CPU that the six's requests share (2 cores for the app, PostgreSQL and the \
                    load generator). Until 2026-12-03 the baseline was the six alone, so their p99 ratio also counted the \
                    neighbour's 50 admitted requests/s (1.5x-5.9x in runs here). Both phases start warm: the warm-up sends \
                    the noisy stream for 5 s. Without that, the refusal path ran cold in the noisy phase's first 5-10 s, and \
                    the six's p99 there was 100-300 ms (35-50 ms warm, in the same hour). The failing runs (77.7% in CI, \
                    51.5%-90.8% here) lost their requests in those seconds. The history of the limiter fixes this verdict \
                    found is in the README.""",
                    new ProofVerdict.Builder()
                            .check("the noisy tenant's requests refused with 429/503", "%.1f%%".formatted(noisyRefused * 100), "≥ 80% (it asks 10x its quota)",
                                    noisyRefused >= 0.8)
                            .atLeast("the six tenants' success rate (2xx within the deadline) beside the noisy one: not taken down",
                                    successDuring * 100, 97, "%.3f%%")
                            .check("the six tenants' success rate, baseline → beside the noisy one", "%.3f%% → %.3f%%".formatted(
                                    successBefore * 100, successDuring * 100), "no lower than 0.5 point below",
                                    successDuring >= successBefore - 0.005).notGating()
                            .check("the six tenants' p99 beside the noisy one / baseline", "%.2fx (%.1f ms vs %.1f ms)".formatted(noisy.p99() / baseline.p99(),
                                    noisy.p99(), baseline.p99()), "≤ 1.25x", noisy.p99() <= 1.25 * baseline.p99()).notGating()
                            .check("the six tenants' p99 beside the tenant at its quota / alone", "%.2fx (%.1f ms vs %.1f ms); the tenant at its quota %.1f%% served"
                                    .formatted(baseline.p99() / alone.p99(), baseline.p99(), alone.p99(), atQuotaServed * 100), "recorded", true)
                            .check("the six tenants' requests lost beside the noisy one, by second", Phases.lossesBySecond(run, "noisy", null),
                                    "recorded", true),
                    run.machine());
            ProofSystem.assertHolds(verdict);
        }
    }
}
