package io.headroom.app.commerce;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.app.AppTest;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** A report is accepted with 202, computed by a job from reporting's own sales, and fails cleanly on its timeout. */
@AppTest
@TestPropertySource(properties = "headroom.reports.statement-timeout=200ms")
class ReportsTest extends CommerceTestSupport {

    @Autowired
    JdbcClient jdbc;

    @Test
    void aReportSumsThePaidOrdersPerDayAndProduct() throws Exception {
        Tenant shop = tenant("Reporting Shop");
        long mug = product(shop, "mug", 1000, 50);
        long pen = product(shop, "pen", 250, 50);
        long first = placeOrder(shop, order(mug, 2, "4242424242424242")).json().get("id").asLong();
        long second = placeOrder(shop, order(pen, 4, "4242424242424242")).json().get("id").asLong();
        long declined = placeOrder(shop, order(pen, 1, "4000000000000002")).json().get("id").asLong();
        awaitOrder(shop, first, status("PAID"));
        awaitOrder(shop, second, status("PAID"));
        awaitOrder(shop, declined, status("PAYMENT_FAILED"));
        LocalDate today = LocalDate.now(ZoneOffset.UTC);

        Response accepted = call("POST", "/v1/reports", shop.key(), "{\"from\":\"%s\",\"to\":\"%s\"}".formatted(today.minusDays(1), today.plusDays(1)));

        assertThat(accepted.status()).isEqualTo(202);
        long id = accepted.json().get("id").asLong();
        assertThat(accepted.headers().firstValue("Location")).hasValue("/v1/reports/" + id);
        JsonNode report = awaitReport(shop, id);
        assertThat(report.get("status").asString()).isEqualTo("DONE");
        JsonNode result = report.get("result");
        assertThat(result.get("totalRevenueCents").asLong()).as("declined orders are not sales").isEqualTo(2 * 1000 + 4 * 250);
        assertThat(result.get("totalUnits").asLong()).isEqualTo(6);
        assertThat(result.get("days").get(0).get("orders").asLong()).isEqualTo(2);
        assertThat(result.get("products").findValuesAsString("productId")).containsExactly(String.valueOf(mug), String.valueOf(pen));
    }

    @Test
    void aReportOverItsStatementTimeoutFailsWithTheReason() throws Exception {
        Tenant shop = tenant("Huge Shop");
        // Two million sales rows for one tenant: far more than 200 ms of aggregation on this machine.
        jdbc.sql("""
                INSERT INTO reporting.sale (order_id, product_id, tenant_id, day, quantity, amount_cents)
                SELECT 1000000000 + g, g % 5000, ?::uuid, date '2026-01-01' + (g % 365)::int, 1, 100 FROM generate_series(1, 2000000) g""")
                .param(shop.id()).update();

        long id = call("POST", "/v1/reports", shop.key(), "{\"from\":\"2026-01-01\",\"to\":\"2026-12-31\"}").json().get("id").asLong();

        JsonNode report = awaitReport(shop, id);
        assertThat(report.get("status").asString()).isEqualTo("FAILED");
        assertThat(report.get("error").asString()).contains("statement timeout of 200 ms");
    }

    private JsonNode awaitReport(Tenant shop, long id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode r;
        do {
            r = call("GET", "/v1/reports/" + id, shop.key(), null).json();
            if (!r.get("status").asString().equals("QUEUED")) {
                return r;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("report " + id + " is still queued after 60 s: " + r);
    }
}
