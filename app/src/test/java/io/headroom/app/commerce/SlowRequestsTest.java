package io.headroom.app.commerce;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.app.AppTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The slow-request explorer: recent requests, slowest first, with where their time went and their trace. */
@AppTest
class SlowRequestsTest extends CommerceTestSupport {

    @Test
    void theSlowestRequestsAreListedWithTheirTimeSplitAndTrace() {
        Tenant a = tenant("Explored A");
        Tenant b = tenant("Explored B");
        long product = product(a, "probe", 100, 10);
        for (int i = 0; i < 5; i++) {
            call("GET", "/v1/products/" + product, a.key(), null);
            call("GET", "/v1/products", b.key(), null);
        }
        placeOrder(a, order(product, 1, "4242424242424242"));

        JsonNode all = call("GET", "/ops/slow?minutes=5&limit=100", OPERATOR_KEY, null).json();
        List<Long> totals = all.findValues("totalMicros").stream().map(JsonNode::asLong).toList();
        assertThat(totals).hasSizeGreaterThanOrEqualTo(12).isSortedAccordingTo((x, y) -> Long.compare(y, x));

        JsonNode ofA = call("GET", "/ops/slow?tenant=" + a.id() + "&route=/v1/products/%7Bid%7D", OPERATOR_KEY, null).json();
        assertThat(ofA.size()).isEqualTo(5);
        for (JsonNode e : ofA) {
            assertThat(e.get("tenant").asString()).isEqualTo(a.id());
            assertThat(e.get("route").asString()).isEqualTo("/v1/products/{id}");
            assertThat(e.get("databaseMicros").asLong()).as("a product lookup reads the database").isPositive();
            assertThat(e.get("admissionWaitMicros").asLong()).isNotNegative();
            assertThat(e.get("databaseMicros").asLong() + e.get("admissionWaitMicros").asLong() + e.get("callsMicros").asLong()
                    + e.get("otherMicros").asLong()).isEqualTo(e.get("totalMicros").asLong());
            assertThat(e.get("traceId").asString()).matches("[0-9a-f]{32}");
        }
        assertThat(call("GET", "/ops/slow?minutes=0", OPERATOR_KEY, null).status()).isEqualTo(400);
        assertThat(call("GET", "/ops/slow", a.key(), null).status()).isEqualTo(401);
    }
}
