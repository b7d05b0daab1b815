package io.headroom.app.commerce;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.app.AppTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A trace follows an order from the request through the queue: the client's traceparent is continued, returned,
 * and the payment job's span, its provider call and the email job's span belong to the same trace.
 */
@AppTest
class TracingTest extends CommerceTestSupport {

    @Test
    void anOrdersTraceGoesFromTheRequestThroughThePaymentJobToTheEmail() throws Exception {
        Tenant shop = tenant("Traced Shop");
        long product = product(shop, "lens", 4200, 3);
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";

        Response placed = call("POST", "/v1/orders", shop.key(), order(product, 1, "4242424242424242"),
                "Idempotency-Key", "traced-1", "traceparent", "00-" + traceId + "-00f067aa0ba902b7-01");

        assertThat(placed.status()).isEqualTo(201);
        assertThat(placed.headers().firstValue("traceparent")).as("the same trace, recorded")
                .hasValueSatisfying(v -> assertThat(v).startsWith("00-" + traceId + "-").endsWith("-01"));
        awaitOrder(shop, placed.json().get("id").asLong(), status("PAID"));

        JsonNode spans = await("the trace", () -> call("GET", "/ops/traces/" + traceId, OPERATOR_KEY, null).json(),
                t -> t.isArray() && names(t).contains("job notifications.send") && names(t).contains("call email"));
        List<String> names = names(spans);
        System.out.println("[tracing] " + traceId + ": " + names);
        assertThat(names).contains("http post /v1/orders", "admission", "db INSERT", "db UPDATE", "job payments.charge", "call payments",
                "job notifications.send", "call email");
        assertThat(spans.findParents("name").stream().filter(s -> s.get("name").asString().equals("db UPDATE"))
                .map(s -> s.get("attributes").get("db.statement").asString()))
                .as("the reservation's statement").anyMatch(sql -> sql.contains("UPDATE catalog.product SET stock = stock - ?"));
        JsonNode job = spans.findParents("name").stream().filter(s -> s.get("name").asString().equals("job payments.charge")).findFirst().orElseThrow();
        assertThat(job.get("attributes").get("job.queue.wait.ms")).isNotNull();

        assertThat(call("GET", "/ops/traces/" + traceId, shop.key(), null).status()).as("operators only").isEqualTo(401);
        assertThat(call("GET", "/ops/traces/not-a-trace", OPERATOR_KEY, null).status()).isEqualTo(400);
    }

    private static List<String> names(JsonNode spans) {
        return spans.findValuesAsString("name");
    }
}
