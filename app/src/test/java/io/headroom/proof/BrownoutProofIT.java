package io.headroom.proof;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.lab.analysis.Results;
import io.headroom.lab.proof.ProofVerdict;
import io.headroom.testing.FreshDatabase;
import io.headroom.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Proof verdict 2: a 20 s outage of the payment provider under 0.7x capacity; and the same against the naive system
 * at the same requests per second (verdict 9, brownout half), each on the same machine one after the other.
 */
@FreshDatabase
class BrownoutProofIT {

    static final Path BROWNOUT = ProofSystem.SCENARIOS.resolve("brownout.yaml");

    /** What one mode did in the scenario. */
    record Outcome(Results run, double checkoutAvailability, long callsIntoTheOutage, long noRetryCalls, Map<String, Long> orders,
                   JsonNode ledger) {

        double callRatio() {
            return callsIntoTheOutage / (double) Math.max(1, noRetryCalls);
        }
    }

    @Test
    void aPaymentOutageLeavesOrdersAcceptedCostsNoRetryStormAndChargesNobodyTwice(TestDatabase db) throws Exception {
        try (ProofSystem system = ProofSystem.start("brownout", db.jdbcUrl())) {
            Outcome hardened = run(system, "hardened", BROWNOUT);
            // The naive system is offered the requests per second of the hardened run, without capacity steps of its
            // own (as in the overload proof): side by side at one load, and 20 s less of the suite's 15 minutes.
            Outcome naive = run(system, "naive", system.atRatesOf(BROWNOUT, hardened.run().run().measuredCapacity()));
            Results.Verdict recovery = hardened.run().verdicts().stream().filter(v -> v.slo().equals("goodput-back-within-2s")).findFirst().orElseThrow();

            ProofVerdict verdict = system.verdict(2, "Brownout and recovery", """
                    The payment provider answers every charge with 503 for 20 s while the hardened system serves 0.7x its measured \
                    capacity: orders are still accepted (the charge is a job), the provider sees hardly more calls than a client \
                    without retries would have sent (breaker, retry budget), goodput is back within 2 s of the fault clearing, and \
                    once the provider is back every order is paid exactly once.""",
                    new ProofVerdict.Builder()
                            .atLeast("checkouts answered 201 within 2 s during the outage", hardened.checkoutAvailability() * 100, 99, "%.2f%%")
                            .check("calls into the outage / calls without retries", "%.2fx (%d calls, %d orders due)".formatted(hardened.callRatio(),
                                    hardened.callsIntoTheOutage(), hardened.noRetryCalls()), "≤ 1.10x", hardened.callRatio() <= 1.1)
                            .check("goodput back after the fault cleared", recovery.detail(), "≤ 2 s", recovery.passed())
                            .atMost("orders not paid 120 s after the run", hardened.orders().get("PENDING_PAYMENT") + hardened.orders().get("PAYMENT_STUCK"), 0, "%.0f")
                            .atMost("duplicate charges", hardened.ledger().at("/payments/duplicateEffects").asLong(), 0, "%.0f"),
                    hardened.run().machine());
            ProofVerdict contrast = system.verdict(9, "Naive contrast: brownout", """
                    The same outage against the naive system (payment inside the request, five immediate retries, no breaker or \
                    budget), offered the same requests per second as the hardened one (0.7x the %.0f/s its steps measured), \
                    without steps of its own. Gated only on the hardened system being measurably better.""".formatted(
                            hardened.run().run().measuredCapacity()),
                    new ProofVerdict.Builder()
                            .check("checkouts answered 201 within 2 s during the outage, hardened vs naive", "%.2f%% vs %.2f%%".formatted(
                                    hardened.checkoutAvailability() * 100, naive.checkoutAvailability() * 100), "hardened higher",
                                    hardened.checkoutAvailability() > naive.checkoutAvailability())
                            .check("calls into the outage per order due, hardened vs naive", "%.2fx vs %.2fx".formatted(hardened.callRatio(),
                                    naive.callRatio()), "hardened lower", hardened.callRatio() < naive.callRatio()),
                    naive.run().machine());
            ProofSystem.assertHolds(verdict);
            ProofSystem.assertHolds(contrast);
        }
    }

    private static Outcome run(ProofSystem system, String mode, Path scenario) throws Exception {
        system.resetProviders();
        system.startApp("--headroom.mode=" + mode);
        try {
            Results run = system.lab(scenario.toString(), mode, Map.of());
            long ordersDue = run.windows().stream().filter(w -> w.phase().equals("outage"))
                    .mapToLong(w -> w.labels().containsKey("checkout") ? w.labels().get("checkout").ok() : 0).sum();
            long offered = run.windows().stream().filter(w -> w.phase().equals("outage"))
                    .mapToLong(w -> w.labels().containsKey("checkout") ? w.labels().get("checkout").offered() : 0).sum();
            long inTime = run.windows().stream().filter(w -> w.phase().equals("outage"))
                    .mapToLong(w -> w.labels().containsKey("checkout") ? w.labels().get("checkout").goodput() : 0).sum();
            assertThat(offered).as("checkouts offered during the outage").isPositive();
            // The simulator counts a call as faulted only while the fault is on: every one of them met the outage.
            long calls = system.ledger().at("/payments/faulted").asLong();
            Map<String, Long> orders = system.awaitOrders(o -> o.get("PENDING_PAYMENT") == 0, Duration.ofSeconds(120));
            // Naive mode charges inside the request: an order whose charge failed was never acknowledged, so every
            // checkout offered during the outage was an order due to be charged.
            long due = mode.equals("naive") ? offered : ordersDue;
            return new Outcome(run, inTime / (double) offered, calls, due, orders, system.ledger());
        } finally {
            system.stopApp();
        }
    }
}
