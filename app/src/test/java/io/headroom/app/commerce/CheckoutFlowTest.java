package io.headroom.app.commerce;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.app.AppTest;
import io.headroom.jobs.DeadJobFilter;
import io.headroom.jobs.JobQueue;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** Order -> payment job -> provider -> PAID or PAYMENT_FAILED -> exactly one email, end to end over HTTP. */
@AppTest
class CheckoutFlowTest extends CommerceTestSupport {

    static final String GOOD_CARD = "4242424242424242";
    static final String DECLINED_CARD = "4000000000000002";

    @Autowired
    JobQueue queue;

    @Test
    void aPaidOrderIsChargedOnceAndGetsOneEmail() throws Exception {
        Tenant shop = tenant("Paid Shop");
        long product = product(shop, "mug", 1250, 10);
        JsonNode before = ledger();

        Response placed = placeOrder(shop, order(product, 2, GOOD_CARD));

        assertThat(placed.status()).as(placed.body()).isEqualTo(201);
        assertThat(placed.json().get("status").asString()).isEqualTo("PENDING_PAYMENT");
        assertThat(placed.json().get("totalCents").asLong()).isEqualTo(2500);
        long id = placed.json().get("id").asLong();
        assertThat(placed.headers().firstValue("Location")).hasValue("/v1/orders/" + id);
        assertThat(stock(shop, product)).isEqualTo(8);

        JsonNode paid = awaitOrder(shop, id, status("PAID"));
        assertThat(paid.get("chargeId").asString()).startsWith("ch_");
        JsonNode after = awaitLedger(l -> delta(before, l, "email", "effective") == 1);
        assertThat(delta(before, after, "payments", "effective")).isEqualTo(1);
        assertThat(after.at("/payments/duplicateEffects").asLong()).isZero();
        assertThat(after.at("/email/duplicateEffects").asLong()).isZero();
    }

    @Test
    void aDeclinedCardFailsTheOrderReleasesTheStockAndSendsOneEmail() throws Exception {
        Tenant shop = tenant("Declining Shop");
        long product = product(shop, "lamp", 4000, 5);
        JsonNode before = ledger();

        long id = placeOrder(shop, order(product, 3, DECLINED_CARD)).json().get("id").asLong();

        JsonNode failed = awaitOrder(shop, id, status("PAYMENT_FAILED"));
        assertThat(failed.get("failure").asString()).isEqualTo("card_declined");
        assertThat(stock(shop, product)).as("the reservation is released").isEqualTo(5);
        JsonNode after = awaitLedger(l -> delta(before, l, "email", "effective") == 1);
        assertThat(delta(before, after, "payments", "effective")).isZero();
        assertThat(delta(before, after, "payments", "refused")).isEqualTo(1);
    }

    @Test
    void aProviderOutageLeavesTheOrderStuckUntilItsJobIsReplayed() throws Exception {
        Tenant shop = tenant("Stuck Shop");
        long product = product(shop, "desk", 20000, 2);
        providers("PUT", "/faults/payments", "{\"errorRate\":1.0,\"errorStatuses\":[503]}");

        Response placed = placeOrder(shop, order(product, 1, GOOD_CARD));
        assertThat(placed.status()).as("orders are accepted while the provider is down").isEqualTo(201);
        long id = placed.json().get("id").asLong();

        JsonNode stuck = awaitOrder(shop, id, status("PAYMENT_STUCK"));
        assertThat(stuck.get("failure").asString()).contains("503");
        // The order's PAYMENT_STUCK and the job's dead-lettering are separate commits: the dead job may show a moment
        // after the order (it did not, once, in a full run).
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        while (queue.deadJobs("payments", 10).stream().noneMatch(d -> d.tenant().equals(shop.id())) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(queue.deadJobs("payments", 10)).anyMatch(d -> d.tenant().equals(shop.id()));

        providers("DELETE", "/faults/payments", null);
        assertThat(queue.replay(new DeadJobFilter("payments", shop.id(), null, null))).isEqualTo(1);

        assertThat(awaitOrder(shop, id, status("PAID")).get("chargeId").asString()).startsWith("ch_");
        assertThat(ledger().at("/payments/duplicateEffects").asLong()).isZero();
    }

    @Test
    void aChargeWhoseAnswerWasLostIsNotRepeatedWhenTheJobRetries() throws Exception {
        Tenant shop = tenant("Lost Answer Shop");
        long product = product(shop, "chair", 9900, 3);
        JsonNode before = ledger();
        // The provider charges, then never answers: the client times out, as after a network failure.
        providers("PUT", "/faults/payments", "{\"hang\":true,\"afterEffect\":true}");

        long id = placeOrder(shop, order(product, 1, GOOD_CARD)).json().get("id").asLong();
        awaitLedger(l -> delta(before, l, "payments", "faulted") >= 1);
        providers("DELETE", "/faults/payments", null);

        awaitOrder(shop, id, status("PAID"));
        JsonNode after = ledger();
        assertThat(delta(before, after, "payments", "effective")).as("charged once").isEqualTo(1);
        assertThat(delta(before, after, "payments", "replays")).as("the retry was answered from the first charge").isGreaterThanOrEqualTo(1);
        assertThat(after.at("/payments/duplicateEffects").asLong()).isZero();
    }

    static long delta(JsonNode before, JsonNode after, String provider, String field) {
        return after.path(provider).path(field).asLong() - before.path(provider).path(field).asLong();
    }
}
