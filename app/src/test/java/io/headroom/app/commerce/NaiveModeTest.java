package io.headroom.app.commerce;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.app.AppTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** headroom.mode=naive: the same app with the usual shortcuts, switched by configuration alone. */
@AppTest
@TestPropertySource(properties = "headroom.mode=naive")
class NaiveModeTest extends CommerceTestSupport {

    @Autowired
    JdbcClient jdbc;

    @Test
    void checkoutChargesTheProviderInsideTheRequest() {
        Tenant shop = tenant("Naive Shop");
        long product = product(shop, "clock", 1500, 5);

        Response placed = placeOrder(shop, order(product, 1, "4242424242424242"));

        assertThat(placed.status()).isEqualTo(201);
        assertThat(placed.json().get("status").asString()).as("paid before the answer").isEqualTo("PAID");
        assertThat(jdbc.sql("SELECT count(*) FROM jobs.job WHERE kind = 'payments.charge'").query(Long.class).single()).isZero();
    }

    @Test
    void aFailingProviderIsRetriedFiveTimesAtOnceAndFailsTheRequest() {
        Tenant shop = tenant("Naive Outage Shop");
        long product = product(shop, "fan", 2000, 5);
        JsonNode before = ledger();
        providers("PUT", "/faults/payments", "{\"errorRate\":1.0,\"errorStatuses\":[503]}");

        Response placed = placeOrder(shop, order(product, 1, "4242424242424242"));

        assertThat(placed.status()).isEqualTo(502);
        assertThat(placed.json().get("type").asString()).endsWith("/payment-provider-failed");
        assertThat(ledger().at("/payments/requests").asLong() - before.at("/payments/requests").asLong())
                .as("one call and five immediate retries, no budget").isEqualTo(6);
        assertThat(stock(shop, product)).as("the order's transaction rolled back").isEqualTo(5);
    }

    @Test
    void thereIsNoAdmissionControlAndReportsRunInsideTheRequest() {
        Response created = call("POST", "/admin/tenants", OPERATOR_KEY, "{\"name\":\"Free Naive\",\"plan\":\"free\"}");
        Tenant free = new Tenant(created.json().get("id").asString(), created.json().get("apiKey").asString());
        for (int i = 0; i < 30; i++) {
            Response r = call("GET", "/v1/products", free.key(), null);
            assertThat(r.status()).as("no quota in naive mode").isEqualTo(200);
            assertThat(r.headers().firstValue("RateLimit")).isEmpty();
        }

        Response report = call("POST", "/v1/reports", free.key(), "{\"from\":\"2026-01-01\",\"to\":\"2026-12-31\"}");

        assertThat(report.status()).isEqualTo(202);
        assertThat(report.json().get("status").asString()).as("computed before the answer").isEqualTo("DONE");
    }
}
