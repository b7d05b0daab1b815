package io.headroom.app.commerce;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.app.AppTest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Bad input of every kind gets a specific 4xx as application/problem+json with a stable type, never a 5xx and
 * never a stack trace, and changes nothing in the database.
 */
@AppTest
class InvalidInputTest extends CommerceTestSupport {

    @Autowired
    JdbcClient jdbc;

    record Case(String name, String method, String path, String body, String contentType, int status, String type, String... headers) {
    }

    @Test
    void everyBadRequestIsASpecificProblemAndChangesNothing() {
        Tenant shop = tenant("Fuzzed Shop");
        long product = product(shop, "solid", 100, 10);
        String okOrder = order(product, 1, "4242424242424242");
        String json = "application/json";
        List<Case> cases = List.of(
                new Case("truncated JSON", "POST", "/v1/products", "{\"sku\":", json, 400, "malformed-json"),
                new Case("not JSON at all", "POST", "/v1/products", "sku=a", json, 400, "malformed-json"),
                new Case("empty body", "POST", "/v1/products", "", json, 400, "malformed-json"),
                new Case("array, not object", "POST", "/v1/products", "[]", json, 400, "invalid-field"),
                new Case("duplicate key", "POST", "/v1/products",
                        "{\"sku\":\"a\",\"sku\":\"b\",\"name\":\"n\",\"priceCents\":1,\"stock\":1}", json, 400, "malformed-json"),
                new Case("trailing content", "POST", "/v1/products",
                        "{\"sku\":\"a\",\"name\":\"n\",\"priceCents\":1,\"stock\":1} {}", json, 400, "malformed-json"),
                new Case("unknown field", "POST", "/v1/products",
                        "{\"sku\":\"a\",\"name\":\"n\",\"priceCents\":1,\"stock\":1,\"tenantId\":\"x\"}", json, 400, "unknown-field"),
                new Case("string for a number", "POST", "/v1/products",
                        "{\"sku\":\"a\",\"name\":\"n\",\"priceCents\":\"12\",\"stock\":1}", json, 400, "invalid-field"),
                new Case("fraction for an integer", "POST", "/v1/products",
                        "{\"sku\":\"a\",\"name\":\"n\",\"priceCents\":1,\"stock\":1.5}", json, 400, "invalid-field"),
                new Case("huge number", "POST", "/v1/products",
                        "{\"sku\":\"a\",\"name\":\"n\",\"priceCents\":99999999999999999999999,\"stock\":1}", json, 400, "invalid-field"),
                new Case("negative price", "POST", "/v1/products",
                        "{\"sku\":\"a\",\"name\":\"n\",\"priceCents\":-1,\"stock\":1}", json, 400, "invalid-field"),
                new Case("missing name", "POST", "/v1/products", "{\"sku\":\"a\",\"priceCents\":1,\"stock\":1}", json, 400, "invalid-field"),
                new Case("number for text", "POST", "/v1/products",
                        "{\"sku\":12,\"name\":\"n\",\"priceCents\":1,\"stock\":1}", json, 400, "invalid-field"),
                new Case("boolean for text", "POST", "/v1/products",
                        "{\"sku\":\"a\",\"name\":true,\"priceCents\":1,\"stock\":1}", json, 400, "invalid-field"),
                new Case("lone surrogate in a name", "POST", "/v1/products",
                        "{\"sku\":\"a\",\"name\":\"lone \\ud800\",\"priceCents\":1,\"stock\":1}", json, 400, "invalid-field"),
                new Case("NUL in a name", "POST", "/v1/products",
                        "{\"sku\":\"a\",\"name\":\"nul \\u0000\",\"priceCents\":1,\"stock\":1}", json, 400, "invalid-field"),
                new Case("invalid UTF-8 in the path", "GET", "/v1/products/%C0%AF", null, null, 400, "bad-request"),
                new Case("NUL in the path", "GET", "/v1/products/1%00", null, null, 400, "bad-request"),
                new Case("unicode in sku", "POST", "/v1/products",
                        "{\"sku\":\"caf\u00e9 \u202e\",\"name\":\"n\",\"priceCents\":1,\"stock\":1}", json, 400, "invalid-field"),
                new Case("name too long", "POST", "/v1/products",
                        "{\"sku\":\"a\",\"name\":\"" + "n".repeat(201) + "\",\"priceCents\":1,\"stock\":1}", json, 400, "invalid-field"),
                new Case("null for a field", "POST", "/v1/products", "{\"sku\":null,\"name\":\"n\",\"priceCents\":1,\"stock\":1}", json, 400, "invalid-field"),
                new Case("wrong content type", "POST", "/v1/products", "{\"sku\":\"a\"}", "text/plain", 415, "unsupported-media-type"),
                new Case("oversized body", "POST", "/v1/products", "{\"sku\":\"" + "a".repeat(70_000) + "\"}", json, 413, "body-too-large"),
                new Case("limit 0", "GET", "/v1/products?limit=0", null, null, 400, "invalid-field"),
                new Case("limit 101", "GET", "/v1/products?limit=101", null, null, 400, "invalid-field"),
                new Case("limit not a number", "GET", "/v1/products?limit=ten", null, null, 400, "invalid-parameter"),
                new Case("forged cursor", "GET", "/v1/products?after=Zm9vYmFy", null, null, 400, "invalid-field"),
                new Case("id not a number", "GET", "/v1/products/abc", null, null, 400, "invalid-parameter"),
                new Case("negative id", "GET", "/v1/orders/-5", null, null, 400, "invalid-parameter"),
                new Case("id beyond long", "GET", "/v1/orders/99999999999999999999", null, null, 400, "invalid-parameter"),
                new Case("unknown route", "GET", "/v1/nothing-here", null, null, 404, "not-found"),
                new Case("wrong method", "DELETE", "/v1/products", null, null, 405, "method-not-allowed"),
                new Case("xml wanted", "GET", "/v1/products", null, null, 406, "not-acceptable", "Accept", "application/xml"),
                new Case("stock delta 0", "POST", "/v1/products/" + product + "/stock", "{\"delta\":0}", json, 400, "invalid-field"),
                new Case("stock delta huge", "POST", "/v1/products/" + product + "/stock", "{\"delta\":5000000000}", json, 400, "invalid-field"),
                new Case("order without lines", "POST", "/v1/orders", "{\"lines\":[],\"email\":\"a@b.co\",\"card\":\"4242424242424242\"}",
                        json, 400, "invalid-field", "Idempotency-Key", "k-1"),
                new Case("order quantity 0", "POST", "/v1/orders", order(product, 0, "4242424242424242"), json, 400, "invalid-field",
                        "Idempotency-Key", "k-2"),
                new Case("order quantity 1001", "POST", "/v1/orders", order(product, 1001, "4242424242424242"), json, 400, "invalid-field",
                        "Idempotency-Key", "k-3"),
                new Case("order null line", "POST", "/v1/orders", "{\"lines\":[null],\"email\":\"a@b.co\",\"card\":\"4242424242424242\"}",
                        json, 400, "invalid-field", "Idempotency-Key", "k-4"),
                new Case("order same product twice", "POST", "/v1/orders",
                        "{\"lines\":[{\"productId\":%d,\"quantity\":1},{\"productId\":%d,\"quantity\":1}],\"email\":\"a@b.co\",\"card\":\"4242424242424242\"}"
                                .formatted(product, product), json, 400, "invalid-field", "Idempotency-Key", "k-5"),
                new Case("order bad email", "POST", "/v1/orders", okOrder.replace("buyer@example.com", "not an email"), json, 400,
                        "invalid-field", "Idempotency-Key", "k-6"),
                new Case("order card with letters", "POST", "/v1/orders", order(product, 1, "4242abcd42424242"), json, 400, "invalid-field",
                        "Idempotency-Key", "k-7"),
                new Case("idempotency key with a space", "POST", "/v1/orders", okOrder, json, 400, "idempotency-key-invalid",
                        "Idempotency-Key", "has space"),
                new Case("report bad date", "POST", "/v1/reports", "{\"from\":\"2026-13-45\",\"to\":\"2026-12-31\"}", json, 400, "invalid-field"),
                new Case("report backwards", "POST", "/v1/reports", "{\"from\":\"2026-12-31\",\"to\":\"2026-01-01\"}", json, 400, "invalid-field"),
                new Case("report too long", "POST", "/v1/reports", "{\"from\":\"2024-01-01\",\"to\":\"2026-01-01\"}", json, 400, "invalid-field"),
                new Case("report missing to", "POST", "/v1/reports", "{\"from\":\"2026-01-01\"}", json, 400, "invalid-field"),
                new Case("report number for a date", "POST", "/v1/reports", "{\"from\":20260101,\"to\":\"2026-01-02\"}", json, 400, "invalid-field"));
        Map<String, Long> before = counts();

        List<String> wrong = new ArrayList<>();
        for (Case c : cases) {
            Response r = send(shop, c);
            String type = r.status() >= 400 && r.contentType().equals("application/problem+json") ? r.json().path("type").asString() : "";
            boolean ok = r.status() == c.status()
                    && r.contentType().equals("application/problem+json")
                    && type.equals("https://headroom.invalid/problems/" + c.type())
                    && r.json().path("status").asInt() == c.status()
                    && !r.json().path("detail").asString().isBlank()
                    && !r.body().contains("Exception") && !r.body().contains("\tat ");
            if (!ok) {
                wrong.add(c.name() + ": got " + r.status() + " " + r.contentType() + " " + r.body());
            }
        }

        assertThat(wrong).isEmpty();
        assertThat(counts()).isEqualTo(before);
    }

    @Test
    void theOperatorApiValidatesToo() {
        Response badPlan = call("POST", "/admin/tenants", OPERATOR_KEY, "{\"name\":\"Gold Shop\",\"plan\":\"gold\"}");
        Response planByIndex = call("POST", "/admin/tenants", OPERATOR_KEY, "{\"name\":\"Index Shop\",\"plan\":1}");
        Response noName = call("POST", "/admin/tenants", OPERATOR_KEY, "{\"name\":\"\"}");

        assertThat(badPlan.status()).isEqualTo(400);
        assertThat(badPlan.json().get("type").asString()).endsWith("/invalid-field");
        assertThat(badPlan.json().get("detail").asString()).contains("plan");
        assertThat(planByIndex.status()).as("a plan by its index in the list is refused, not guessed").isEqualTo(400);
        assertThat(planByIndex.json().get("type").asString()).endsWith("/invalid-field");
        assertThat(noName.status()).isEqualTo(400);
        assertThat(noName.json().get("errors").get(0).get("field").asString()).isEqualTo("name");
    }

    private Response send(Tenant shop, Case c) {
        List<String> headers = new ArrayList<>(List.of(c.headers()));
        if (c.contentType() != null) {
            headers.add("Content-Type");
            headers.add(c.contentType());
        }
        return call(c.method(), c.path(), shop.key(), c.body(), headers.toArray(String[]::new));
    }

    private Map<String, Long> counts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String table : List.of("tenants.tenant", "catalog.product", "orders.orders", "orders.idempotency_key",
                "payments.charge", "reporting.report", "jobs.job")) {
            counts.put(table, jdbc.sql("SELECT count(*) FROM " + table).query(Long.class).single());
        }
        counts.put("stock", jdbc.sql("SELECT coalesce(sum(stock), 0) FROM catalog.product").query(Long.class).single());
        return counts;
    }
}
