package io.headroom.proof;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.lab.analysis.Results;
import io.headroom.lab.proof.ProofVerdict;
import io.headroom.postgres.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Proof verdict 7: PostgreSQL restarted under load. The app runs on an embedded server of this test's own, which the
 * lab stops and starts through {@code ./headroom db stop|start}; nobody restarts the app.
 */
class DatabaseRestartProofIT {

    @Test
    void afterADatabaseRestartTheAppRecoversByItselfAndLosesNoAcknowledgedOrder() throws Exception {
        Path home = ProofSystem.OUT.resolve("database-restart-pg");
        EmbeddedPostgres pg = EmbeddedPostgres.in(home);
        int port = pg.start().port();
        try {
            try (Connection c = DriverManager.getConnection(EmbeddedPostgres.jdbcUrl(port, "postgres")); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS proof");
                s.execute("CREATE DATABASE proof");
            }
            try (ProofSystem system = ProofSystem.start("database-restart", EmbeddedPostgres.jdbcUrl(port, "proof"))) {
                system.startApp();
                Results run = system.lab("database-restart.yaml", "hardened", Map.of("pgHome", home.toString()));
                Results.FaultResult restart = run.faults().getFirst();
                assertThat(pg.status()).as("the database is running again after the fault").isInstanceOf(EmbeddedPostgres.Running.class);
                Map<String, Long> orders = system.awaitSettled(Duration.ofSeconds(90));
                JsonNode ledger = system.ledger();
                long acknowledged = ProofSystem.acknowledged(run, "checkout");
                long inDatabase = orders.values().stream().mapToLong(Long::longValue).sum();
                Results.Verdict serves = verdict(run, "serves-after-restart");

                ProofVerdict verdict = system.verdict(7, "Database restart", """
                        PostgreSQL is stopped (fast shutdown) 10 s into 40 requests/s and started again 3 s later; nobody touches \
                        the app. It serves again within seconds of the database's return, every order it acknowledged is kept \
                        and reaches a final state, and nothing is charged twice.""",
                        new ProofVerdict.Builder()
                                .check("the restart ran", restart.error() == null ? "stopped at %.1f s, back at %.1f s".formatted(restart.setAt(),
                                        restart.clearedAt()) : restart.error(), "no error", restart.error() == null)
                                .check("goodput back to its level before the restart", restart.recoverySeconds() == null ? "not back"
                                        : "%.0f s after the database was back".formatted(restart.recoverySeconds()), "≤ 10 s",
                                        restart.recoverySeconds() != null && restart.recoverySeconds() <= 10)
                                .check("availability in the 20 s after", serves.detail(), "≥ 99%", serves.passed())
                                .check("acknowledged orders missing from the database", "%d (%d acknowledged, %d in the database)".formatted(
                                        Math.max(0, acknowledged - inDatabase), acknowledged, inDatabase), "0", inDatabase >= acknowledged)
                                .atMost("orders not in a final state 90 s after the run", orders.get("PENDING_PAYMENT") + orders.get("PAYMENT_STUCK"), 0, "%.0f")
                                .atMost("duplicate charges", ledger.at("/payments/duplicateEffects").asLong(), 0, "%.0f")
                                .atMost("duplicate emails", ledger.at("/email/duplicateEffects").asLong(), 0, "%.0f"),
                        run.machine());
                ProofSystem.assertHolds(verdict);
            }
        } finally {
            pg.stop();
        }
    }

    static Results.Verdict verdict(Results run, String slo) {
        return run.verdicts().stream().filter(v -> v.slo().equals(slo)).findFirst().orElseThrow();
    }
}
