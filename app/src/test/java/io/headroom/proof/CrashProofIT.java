package io.headroom.proof;

import io.headroom.lab.analysis.Results;
import io.headroom.lab.proof.ProofVerdict;
import io.headroom.testing.FreshDatabase;
import io.headroom.testing.TestDatabase;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Proof verdict 5: the app killed with SIGKILL every 10 s for two minutes under load and started again loses no
 * acknowledged order, leaves none unfinished, and charges and emails nobody twice. A kill due while the app is still
 * starting comes when it is up, so on a slower machine the twelve kills take longer than two minutes; the run
 * lasts long enough for all of them, and ends 10 s after the last restart (see crash.yaml).
 */
@FreshDatabase
class CrashProofIT {

    @Test
    void killedEveryTenSecondsUnderLoadTheSystemLosesNothingAcknowledgedAndDoesNothingTwice(TestDatabase db) throws Exception {
        try (ProofSystem system = ProofSystem.start("crash", db.jdbcUrl())) {
            Results run = system.lab("crash.yaml", "hardened", Map.of());
            // The lab stopped the app at the end of the run; one more start lets the queue take over what the last
            // kill left (leases of killed workers expire after 10 s).
            system.startApp("--headroom.jobs.lease=10s", "--headroom.jobs.heartbeat=3s");
            Map<String, Long> orders = system.awaitSettled(Duration.ofSeconds(90));
            JsonNode ledger = system.ledger();

            long kills = run.faults().stream().filter(f -> f.error() == null).count();
            long acknowledged = ProofSystem.acknowledged(run, "checkout") + ProofSystem.acknowledged(run, "checkout-declined");
            long inDatabase = orders.values().stream().mapToLong(Long::longValue).sum();
            ProofVerdict verdict = system.verdict(5, "Crash", """
                    The app is killed with SIGKILL every 10 s for two minutes under 30 requests/s (two thirds of them orders) and \
                    started again each time (a kill due while it is still starting comes as soon as it is up; the load goes on \
                    until 10 s after the last restart, for up to 240 s so that all twelve kills fit where a start takes longer \
                    than 10 s): every order it acknowledged \
                    with 201 is in the database, every order reaches a final state, and the providers' ledgers show no second \
                    charge or email for any order.""",
                    new ProofVerdict.Builder()
                            .atLeast("kills with SIGKILL, each followed by a restart that answered its health check", kills, 10, "%.0f")
                            .atLeast("orders acknowledged with 201 during the kills", acknowledged, 300, "%.0f")
                            .check("acknowledged orders missing from the database", "%d (%d acknowledged, %d in the database)".formatted(
                                    Math.max(0, acknowledged - inDatabase), acknowledged, inDatabase), "0", inDatabase >= acknowledged)
                            .atMost("orders not in a final state 90 s after the run", orders.get("PENDING_PAYMENT") + orders.get("PAYMENT_STUCK"), 0, "%.0f")
                            .check("charges in the payment ledger = orders paid", "%d charges, %d paid".formatted(
                                    ledger.at("/payments/effective").asLong(), orders.get("PAID")), "equal",
                                    ledger.at("/payments/effective").asLong() == orders.get("PAID"))
                            .atMost("duplicate charges (a second charge for one order)", ledger.at("/payments/duplicateEffects").asLong(), 0, "%.0f")
                            .check("emails sent = orders in a final state", "%d emails, %d orders".formatted(ledger.at("/email/effective").asLong(),
                                    orders.get("PAID") + orders.get("PAYMENT_FAILED")), "equal",
                                    ledger.at("/email/effective").asLong() == orders.get("PAID") + orders.get("PAYMENT_FAILED"))
                            .atMost("duplicate emails", ledger.at("/email/duplicateEffects").asLong(), 0, "%.0f"),
                    run.machine());
            ProofSystem.assertHolds(verdict);
        }
    }
}
