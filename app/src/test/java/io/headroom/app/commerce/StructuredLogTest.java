package io.headroom.app.commerce;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.app.AppTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;

/** Logs are JSON lines; an API request's access line carries tenant, route, status, duration and its trace id. */
@AppTest
@ExtendWith(OutputCaptureExtension.class)
class StructuredLogTest extends CommerceTestSupport {

    @Test
    void theAccessLogIsStructuredAndCarriesTheTrace(CapturedOutput output) throws Exception {
        Tenant shop = tenant("Logged Shop");
        String traceId = "0af7651916cd43dd8448eb211c80319c";

        Response missing = call("GET", "/v1/products/424242", shop.key(), null, "traceparent", "00-" + traceId + "-b7ad6b7169203331-01");
        assertThat(missing.status()).isEqualTo(404);

        JsonNode line = null;
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (line == null && System.nanoTime() < deadline) {
            List<JsonNode> access = output.getOut().lines().filter(l -> l.startsWith("{") && l.contains("\"headroom.access\""))
                    .map(l -> JSON.readTree(l)).filter(n -> traceId.equals(n.path("traceId").asString(n.path("trace").path("id").asString())))
                    .toList();
            line = access.isEmpty() ? null : access.get(0);
            if (line == null) {
                Thread.sleep(50);
            }
        }
        assertThat(line).as("an access line for the traced request in %s", output.getOut().lines().filter(l -> l.contains("headroom.access")).toList())
                .isNotNull();
        assertThat(line.path("tenant").asString()).isEqualTo(shop.id());
        assertThat(line.path("route").asString()).isEqualTo("/v1/products/{id}");
        assertThat(line.path("status").asString()).isEqualTo("404");
        assertThat(line.path("duration_ms").asString()).matches("[0-9]+");
        assertThat(line.path("message").asString()).contains("GET /v1/products/{id} -> 404");
    }

    @Test
    void requestsTurnedAwayAreLoggedAtMostTenASecondEachLineCountingThoseLeftOut(CapturedOutput output) throws Exception {
        Response created = call("POST", "/admin/tenants", OPERATOR_KEY, "{\"name\":\"Flooding Shop\",\"plan\":\"free\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String tenantId = created.json().get("id").asString();
        String key = created.json().get("apiKey").asString();

        // The free plan: a burst of 10, then 5 a second. Of 60 requests in about two seconds, at least 40 are turned away.
        long start = System.nanoTime();
        int refused = 0;
        for (int i = 0; i < 60; i++) {
            if (call("GET", "/v1/products/424242", key, null).status() == 429) {
                refused++;
            }
        }
        long seconds = Math.max(1, (long) Math.ceil((System.nanoTime() - start) / 1e9)) + 1;
        assertThat(refused).isGreaterThanOrEqualTo(40);

        Thread.sleep(500);
        List<JsonNode> lines = output.getOut().lines().filter(l -> l.startsWith("{") && l.contains("\"headroom.access\""))
                .map(l -> JSON.readTree(l)).filter(n -> tenantId.equals(n.path("tenant").asString()) && "429".equals(n.path("status").asString()))
                .toList();
        assertThat(lines).as("at most 10 lines a second for %d refusals over up to %d seconds", refused, seconds)
                .isNotEmpty().hasSizeLessThanOrEqualTo((int) (10 * seconds)).hasSizeLessThan(refused);
        assertThat(lines).allSatisfy(l -> assertThat(l.path("rejected").asString()).isEqualTo("TENANT_QUOTA"));
        long leftOut = lines.stream().mapToLong(l -> Long.parseLong(l.path("rejected_not_logged").asString())).sum();
        assertThat(leftOut + lines.size()).as("lines written plus those they say were left out, at most the refusals")
                .isLessThanOrEqualTo(refused);
    }
}
