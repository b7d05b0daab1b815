package io.headroom.app.commerce;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.app.AppTest;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A payment provider outage with the hardened call policy: the breaker opens, retries stay within the retry
 * budget, the provider is spared most of the traffic, and once the outage ends every order is paid without an
 * operator (the queue keeps the jobs; the breaker's probes find the provider back).
 */
@AppTest
@TestPropertySource(properties = {"headroom.calls.breaker.enabled=true", "headroom.calls.throttle.enabled=true",
        "headroom.calls.breaker.open-for=1s", "headroom.jobs.default-max-attempts=100", "headroom.jobs.backoff-base=50ms",
        "headroom.jobs.backoff-cap=500ms"})
class ProviderOutageTest extends CommerceTestSupport {

    @Autowired
    MeterRegistry registry;

    @Test
    void anOutageOpensTheBreakerKeepsRetriesInBudgetAndTheSystemRecoversByItself() throws Exception {
        Tenant shop = tenant("Outage Shop");
        long product = product(shop, "kettle", 2500, 100);
        providers("PUT", "/faults/payments", "{\"errorRate\":1.0,\"errorStatuses\":[503],\"durationMs\":4000}");
        long started = System.nanoTime();

        List<Long> orders = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Response placed = placeOrder(shop, order(product, 1, "4242424242424242"));
            assertThat(placed.status()).as("checkout does not wait for the provider").isEqualTo(201);
            orders.add(placed.json().get("id").asLong());
        }
        for (long id : orders) {
            awaitOrder(shop, id, status("PAID"));
        }
        double seconds = (System.nanoTime() - started) / 1e9;

        JsonNode ledger = ledger();
        double attempts = Search.in(registry).name("headroom.calls.attempts").tag("dependency", "payments").timers().stream()
                .mapToDouble(t -> t.count()).sum();
        double retries = counter("headroom.calls.retries");
        double breakerRejections = Search.in(registry).name("headroom.calls.rejected").tag("dependency", "payments")
                .tag("reason", "circuit_open").counters().stream().mapToDouble(c -> c.count()).sum();
        double calls = attempts - retries;
        System.out.printf("[outage] recovered in %.1f s: %d provider requests (%d failed by the fault), %.0f attempts, %.0f retries, "
                        + "%.0f calls not sent (breaker open), %d charges%n", seconds, ledger.at("/payments/requests").asLong(),
                ledger.at("/payments/faulted").asLong(), attempts, retries, breakerRejections, ledger.at("/payments/effective").asLong());

        assertThat(breakerRejections).as("the breaker opened").isPositive();
        assertThat((double) ledger.at("/payments/faulted").asLong()).as("the provider saw fewer failing calls than the breaker held back")
                .isLessThan(breakerRejections);
        assertThat(retries).as("retries within 10% of calls plus the floor (0.1/s over 10 s)")
                .isLessThanOrEqualTo(0.1 * calls + 0.1 * (seconds + 10) + 1);
        assertThat(ledger.at("/payments/effective").asLong()).isEqualTo(20);
        assertThat(ledger.at("/payments/duplicateEffects").asLong()).isZero();
    }

    private double counter(String name) {
        return Search.in(registry).name(name).tag("dependency", "payments").counters().stream().mapToDouble(c -> c.count()).sum();
    }
}
