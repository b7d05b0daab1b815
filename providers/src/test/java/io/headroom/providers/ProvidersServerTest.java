package io.headroom.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The simulators over real HTTP on loopback, with an injected clock and sleeper. */
class ProvidersServerTest {

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-22T10:00:00Z"));
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private ProvidersServer server;

    @BeforeEach
    void start() throws IOException {
        Clock clock = new Clock() {
            @Override
            public Instant instant() {
                return now.get();
            }

            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }
        };
        server = ProvidersServer.start(0, clock, new Random(42), sleeps::add);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aRepeatedKeyReturnsTheFirstChargeAndChargesOnce() throws Exception {
        var first = post("/charges", "k1", charge(1200, "4242424242424242", "order-1"));
        var again = post("/charges", "k1", charge(1200, "4242424242424242", "order-1"));

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(first.body()).contains("\"status\":\"succeeded\"");
        assertThat(again.statusCode()).isEqualTo(201);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(get("/ledger").body())
                .contains("\"payments\":{\"requests\":2,\"effective\":1,\"refused\":0,\"replays\":1,\"conflicts\":0,\"faulted\":0,\"poisoned\":0,\"duplicateEffects\":0");
    }

    @Test
    void aSecondKeyForTheSameReferenceIsADuplicateEffect() throws Exception {
        post("/charges", "k1", charge(500, "4242424242424242", "order-7"));
        post("/charges", "k2", charge(500, "4242424242424242", "order-7"));

        assertThat(get("/ledger").body()).contains("\"effective\":2").contains("\"duplicateEffects\":1");
    }

    @Test
    void cardsEndingIn0002DeclinePermanentlyAndTheDeclineIsReplayed() throws Exception {
        var first = post("/charges", "d1", charge(900, "4000000000000002", "order-2"));
        var again = post("/charges", "d1", charge(900, "4000000000000002", "order-2"));

        assertThat(first.statusCode()).isEqualTo(402);
        assertThat(first.body()).contains("card_declined");
        assertThat(again.statusCode()).isEqualTo(402);
        assertThat(get("/ledger").body()).contains("\"effective\":0,\"refused\":1,\"replays\":1");
    }

    @Test
    void cardsEndingIn0005FailWith500OnEveryAttemptAndChargeNothing() throws Exception {
        for (int attempt = 0; attempt < 3; attempt++) {
            var r = post("/charges", "poison-1", charge(700, "4000000000000005", "order-5"));
            assertThat(r.statusCode()).isEqualTo(500);
            assertThat(r.body()).contains("processor-error");
        }

        assertThat(get("/ledger").body()).contains("\"requests\":3,\"effective\":0,\"refused\":0,\"replays\":0")
                .contains("\"poisoned\":3").contains("\"keys\":0");
    }

    @Test
    void aKeyReusedWithAnotherBodyIs422AndChargesNothingMore() throws Exception {
        post("/charges", "k1", charge(100, "4242424242424242", "order-3"));
        var other = post("/charges", "k1", charge(999, "4242424242424242", "order-3"));

        assertThat(other.statusCode()).isEqualTo(422);
        assertThat(other.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(get("/ledger").body()).contains("\"effective\":1").contains("\"conflicts\":1");
    }

    @Test
    void badRequestsAreProblemsAndCountNothing() throws Exception {
        assertThat(post("/charges", null, charge(100, "4242424242424242", "o")).statusCode()).isEqualTo(400);
        assertThat(post("/charges", "k", "{not json").statusCode()).isEqualTo(400);
        assertThat(post("/charges", "k", charge(-5, "4242424242424242", "o")).statusCode()).isEqualTo(400);
        assertThat(post("/charges", "k", charge(5, "42", "o")).statusCode()).isEqualTo(400);
        var unknown = post("/charges", "k", "{\"amountCents\":5,\"currency\":\"EUR\",\"card\":\"4242424242424242\",\"reference\":\"o\",\"x\":1}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("unknown field(s): x");
        assertThat(post("/messages", "m", "{\"to\":\"nobody\",\"template\":\"order-paid\",\"reference\":\"o\"}").statusCode()).isEqualTo(400);
        assertThat(get("/ledger").body()).contains("\"requests\":0");
    }

    @Test
    void emailsAreSentOncePerKey() throws Exception {
        String body = "{\"to\":\"ann@example.com\",\"template\":\"order-paid\",\"reference\":\"order-1\"}";
        assertThat(post("/messages", "e1", body).statusCode()).isEqualTo(202);
        assertThat(post("/messages", "e1", body).statusCode()).isEqualTo(202);

        assertThat(get("/ledger").body()).contains("\"email\":{\"requests\":2,\"effective\":1,\"refused\":0,\"replays\":1");
    }

    @Test
    void anErrorFaultAnswersWithTheChosenStatusAndChargesNothing() throws Exception {
        assertThat(put("/faults/payments", "{\"errorRate\":1.0,\"errorStatuses\":[502]}").statusCode()).isEqualTo(200);

        var failed = post("/charges", "k1", charge(100, "4242424242424242", "order-4"));

        assertThat(failed.statusCode()).isEqualTo(502);
        assertThat(get("/ledger").body()).contains("\"payments\":{\"requests\":1,\"effective\":0,\"refused\":0,\"replays\":0,\"conflicts\":0,\"faulted\":1");
        assertThat(post("/messages", "e1", "{\"to\":\"a@b.c\",\"template\":\"t\",\"reference\":\"r\"}").statusCode())
                .as("a fault on payments leaves email alone").isEqualTo(202);
    }

    @Test
    void aFaultAfterTheEffectLosesTheAnswerButARetryWithTheKeyGetsIt() throws Exception {
        put("/faults/payments", "{\"errorRate\":1.0,\"afterEffect\":true}");
        assertThat(post("/charges", "k1", charge(100, "4242424242424242", "order-5")).statusCode()).isEqualTo(503);
        http.send(HttpRequest.newBuilder(uri("/faults/payments")).DELETE().build(), HttpResponse.BodyHandlers.ofString());

        var retry = post("/charges", "k1", charge(100, "4242424242424242", "order-5"));

        assertThat(retry.statusCode()).isEqualTo(201);
        assertThat(get("/ledger").body()).contains("\"effective\":1").contains("\"replays\":1").contains("\"duplicateEffects\":0");
    }

    @Test
    void latencyIsFixedPlusJitterAndAFaultEndsAfterItsDuration() throws Exception {
        put("/faults/payments", "{\"latencyMs\":200,\"jitter\":{\"distribution\":\"uniform\",\"maxMs\":50},\"durationMs\":1000}");

        post("/charges", "k1", charge(100, "4242424242424242", "order-6"));
        now.set(now.get().plusMillis(1000));
        post("/charges", "k2", charge(100, "4242424242424242", "order-7"));

        assertThat(sleeps).hasSize(1);
        assertThat(sleeps.get(0).toMillis()).isBetween(200L, 250L);
        assertThat(get("/faults/payments").body()).contains("\"until\":null");
    }

    @Test
    void aHangHoldsTheRequestUntilTheClientGivesUpAndAnOutageClosesTheConnection() throws Exception {
        put("/faults/payments", "{\"hang\":true}");
        HttpRequest hung = HttpRequest.newBuilder(uri("/charges")).timeout(Duration.ofMillis(300))
                .header("Idempotency-Key", "h1").POST(HttpRequest.BodyPublishers.ofString(charge(1, "4242424242424242", "o"))).build();
        assertThatThrownBy(() -> http.send(hung, HttpResponse.BodyHandlers.ofString())).isInstanceOf(HttpTimeoutException.class);

        put("/faults/payments", "{\"outage\":true}");
        assertThatThrownBy(() -> post("/charges", "o1", charge(1, "4242424242424242", "o"))).isInstanceOf(IOException.class);
        assertThat(get("/ledger").body()).contains("\"effective\":0").contains("\"faulted\":2");
    }

    @Test
    void anInvalidFaultIsRefusedWithTheReason() throws Exception {
        var bad = put("/faults/payments", "{\"errorRate\":3}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("errorRate must be within 0..1, got 3.0");
        assertThat(put("/faults/payments", "{\"latency\":5}").statusCode()).isEqualTo(400);
        assertThat(put("/faults/nowhere", "{}").statusCode()).isEqualTo(404);
    }

    private static String charge(long amount, String card, String reference) {
        return "{\"amountCents\":%d,\"currency\":\"EUR\",\"card\":\"%s\",\"reference\":\"%s\"}".formatted(amount, card, reference);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private HttpResponse<String> post(String path, String key, String body) throws Exception {
        var b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("Idempotency-Key", key);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> put(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
