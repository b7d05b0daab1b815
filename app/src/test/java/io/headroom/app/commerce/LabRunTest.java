package io.headroom.app.commerce;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.app.AppTest;
import io.headroom.lab.Lab;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A short real lab run against the app (and the provider simulators): it writes results.json and a
 * self-contained report.html, passes when its SLOs hold, and fails (exit 1) when an SLO is broken.
 */
@AppTest
class LabRunTest extends CommerceTestSupport {

    @TempDir
    Path dir;

    private Path scenario(String checkoutP99) throws Exception {
        Path file = dir.resolve("scenario-" + checkoutP99 + ".yaml");
        Files.writeString(file, """
                name: lab-run-test
                limits: {maxSeconds: 30, maxRequests: 5000}
                setup: {kind: headroom, products: 3}
                tenants: {count: 2, zipf: 1}
                operations:
                  - {name: browse, weight: 3, method: GET, path: "/v1/products/${product}"}
                  - {name: checkout, weight: 1, method: POST, path: /v1/orders, idempotencyKey: true,
                     body: '{"lines":[{"productId":${product},"quantity":1}],"email":"t${n}@example.com","card":"4242424242424242"}'}
                phases:
                  - {name: steps, type: steps, steps: [10, 20, 30], stepSeconds: 2}
                  - {name: steady, type: steady, capacityFactor: 0.5, seconds: 4}
                faults:
                  - {name: email-slow, at: 6, seconds: 2, provider: email, set: {latencyMs: 50}}
                slos:
                  - {name: checkout-available, operation: checkout, availability: 0.95}
                  - {name: checkout-p99, operation: checkout, p99Ms: %s, attainment: 0.5}
                """.formatted(checkoutP99));
        return file;
    }

    private int run(Path scenario, Path out) {
        return Lab.execute("run", scenario.toString(), "--target", "http://127.0.0.1:" + port, "--providers",
                "http://127.0.0.1:" + PROVIDERS.port(), "--operator-key", OPERATOR_KEY, "--label", "test", "--out", out.toString());
    }

    @Test
    void aRunWritesItsResultsAndReportAndPassesWhenItsSlosHold() throws Exception {
        Path out = dir.resolve("ok");
        assertThat(run(scenario("2000"), out)).isZero();

        JsonNode results = JSON.readTree(Files.readString(out.resolve("results.json")));
        assertThat(results.get("passed").asBoolean()).isTrue();
        assertThat(results.get("windows").size()).isBetween(9, 11);
        assertThat(results.at("/phases/0/name").asString()).isEqualTo("steps");
        assertThat(results.at("/capacity/points").size()).isEqualTo(3);
        assertThat(results.at("/run/measuredCapacity").asDouble()).as("the steps reached 30/s").isGreaterThan(20);
        assertThat(results.at("/faults/0/name").asString()).isEqualTo("email-slow");
        assertThat(results.get("signals").has("cpu")).as("the app's metrics were scraped").isTrue();
        assertThat(results.at("/machine/cores").asInt()).isPositive();
        String report = Files.readString(out.resolve("report.html"));
        assertThat(report).contains("<script type=\"application/json\" id=\"results\">", "uPlot").doesNotContain("<script src=", "href=\"http");
    }

    @Test
    void aBrokenSloFailsTheRunWithExit1() throws Exception {
        Path out = dir.resolve("broken");
        assertThat(run(scenario("0.001"), out)).as("no checkout is answered within a microsecond").isEqualTo(1);

        JsonNode results = JSON.readTree(Files.readString(out.resolve("results.json")));
        assertThat(results.get("passed").asBoolean()).isFalse();
        JsonNode p99 = results.get("verdicts").valueStream().filter(v -> v.get("slo").asString().equals("checkout-p99")).findFirst().orElseThrow();
        assertThat(p99.get("passed").asBoolean()).isFalse();
        assertThat(p99.get("detail").asString()).contains("in 0 of");
        JsonNode available = results.get("verdicts").valueStream().filter(v -> v.get("slo").asString().equals("checkout-available")).findFirst().orElseThrow();
        assertThat(available.get("passed").asBoolean()).as("the other SLO still holds").isTrue();
        assertThat(out.resolve("report.html")).exists();
    }
}
