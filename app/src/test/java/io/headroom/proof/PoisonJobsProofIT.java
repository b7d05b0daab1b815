package io.headroom.proof;

import io.headroom.lab.analysis.Results;
import io.headroom.lab.proof.ProofVerdict;
import io.headroom.testing.FreshDatabase;
import io.headroom.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Proof verdict 6: 5% of the payment jobs are poison (the provider fails them on every attempt). They end in the
 * dead-letter queue, and the healthy payments completed per second stay within 5% of the same load without poison.
 */
@FreshDatabase
class PoisonJobsProofIT {

    /** Healthy payments in a phase's window: per second for orders placed in the window, and a count for orders placed before it. */
    record Paid(double perSecond, long carriedIn) {
    }

    /**
     * Healthy orders placed in a phase's window and paid within it (by the time the order moved to PAID), per second;
     * the window leaves out the phase's first 3 seconds, for the orders' placing and their payment alike. Payments in
     * the window of orders placed before it are counted apart ({@code carriedIn}). Counting every payment in the
     * window, or those of every order the phase placed, credited the clean phase with the orders of its first seconds,
     * paid late as the rate doubled after the warm-up: 106-107 paid/s against 100 offered in two runs, and the
     * poisoned phase, paid at 100/s, was judged 0.935x and 0.944x of it.
     */
    private static Paid healthyPaid(ProofSystem system, Results run, String phase) throws Exception {
        Results.PhaseSummary p = run.phases().stream().filter(x -> x.name().equals(phase)).findFirst().orElseThrow();
        Instant start = Instant.parse(run.startedAt());
        Instant from = start.plusMillis(Math.round((p.start() + 3) * 1000));
        Instant to = start.plusMillis(Math.round(p.end() * 1000));
        String paidInWindow = "SELECT count(*) FROM orders.orders WHERE status = 'PAID' AND card_last4 <> '0005' AND updated_at >= '%s' AND updated_at < '%s'"
                .formatted(from, to);
        long own = system.count(paidInWindow + " AND created_at >= '%s'".formatted(from));
        long carriedIn = system.count(paidInWindow + " AND created_at < '%s'".formatted(from));
        return new Paid(own / (Duration.between(from, to).toMillis() / 1000.0), carriedIn);
    }

    @Test
    void poisonJobsEndInTheDeadLetterQueueAndHealthyPaymentsKeepTheirThroughput(TestDatabase db) throws Exception {
        try (ProofSystem system = ProofSystem.start("poison", db.jdbcUrl())) {
            // Backoff capped at 2 s (default 5 min) so that a poison job uses its ten attempts within the bounded run.
            system.startApp("--headroom.jobs.backoff-cap=2s");
            Results run = system.lab("poison.yaml", "hardened", Map.of());
            Paid clean = healthyPaid(system, run, "clean");
            Paid poisoned = healthyPaid(system, run, "poisoned");
            Map<String, Long> orders = system.awaitOrders(o -> o.get("PENDING_PAYMENT") == 0, Duration.ofSeconds(90));
            long poisonOrders = system.count("SELECT count(*) FROM orders.orders WHERE card_last4 = '0005'");
            long poisonStuck = system.count("SELECT count(*) FROM orders.orders WHERE card_last4 = '0005' AND status = 'PAYMENT_STUCK'");
            long deadCharges = system.count("SELECT count(*) FROM jobs.dead_job WHERE kind = 'payments.charge'");
            long healthyNotPaid = system.count("SELECT count(*) FROM orders.orders WHERE card_last4 <> '0005' AND status <> 'PAID'");
            long poisonCalls = system.ledger().at("/payments/poisoned").asLong();
            // Orders accepted in the poisoned phase (each made one payment job): counted by when they were created, not
            // last updated, so that healthy orders from the clean phase paid late do not dilute the share.
            double share = poisonOrders / (double) system.count("SELECT count(*) FROM orders.orders WHERE created_at >= '%s'".formatted(
                    Instant.parse(run.startedAt()).plusMillis(Math.round(run.phases().getLast().start() * 1000))));

            ProofVerdict verdict = system.verdict(6, "Poison jobs", """
                    Beside 60 healthy orders/s, 5% of the payment jobs are poison: the provider answers them 500 on every \
                    attempt. Each poison job uses its ten attempts and ends in the dead-letter queue (its order PAYMENT_STUCK, \
                    ready to replay), every healthy order is paid, and healthy payments per second stay within 5% of the same \
                    load without poison (the payments, within each phase's window, of the orders placed in it, so that a \
                    backlog carried in from before does not count for either). The proof caps the queue's backoff at 2 s (default 5 min) so that \
                    the ten attempts fit in the run.""",
                    new ProofVerdict.Builder()
                            .check("poison share of the payment jobs while poisoned", "%.1f%% (%d poison orders)".formatted(share * 100, poisonOrders),
                                    "about 5%", share >= 0.04 && share <= 0.06)
                            .check("poison payment jobs in the dead-letter queue", "%d of %d".formatted(deadCharges, poisonOrders), "all",
                                    deadCharges == poisonOrders && poisonOrders > 0)
                            .check("poison orders PAYMENT_STUCK", "%d of %d".formatted(poisonStuck, poisonOrders), "all", poisonStuck == poisonOrders)
                            .atMost("healthy orders not paid 90 s after the run", healthyNotPaid, 0, "%.0f")
                            .check("healthy payments per second, poisoned / clean (orders placed and paid in the window)", "%.3f (%.1f/s vs %.1f/s)".formatted(
                                    poisoned.perSecond() / clean.perSecond(), poisoned.perSecond(), clean.perSecond()),
                                    "≥ 0.95", poisoned.perSecond() / clean.perSecond() >= 0.95)
                            .check("healthy payments in the window of orders placed before it, clean / poisoned",
                                    "%d / %d".formatted(clean.carriedIn(), poisoned.carriedIn()), "recorded", true)
                            .check("charge calls the poison cost the provider", "%d (%.1f per poison order)".formatted(poisonCalls,
                                    poisonCalls / (double) Math.max(1, poisonOrders)), "recorded", true),
                    run.machine());
            System.out.printf("[proof] poison: orders %s%n", orders);
            ProofSystem.assertHolds(verdict);
        }
    }
}
