package io.headroom.app.commerce;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.providers.ProvidersServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole system over real HTTP: the app on a random port and its own database (see {@code @AppTest}), and the
 * provider simulators on another port of this JVM, their ledger and faults reset for each test class.
 */
// The breaker and client-side throttling have their own test (ProviderOutageTest); elsewhere they would carry one
// test's provider fault into the next test. Subclasses override these with their own @TestPropertySource.
@TestPropertySource(properties = {"headroom.calls.breaker.enabled=false", "headroom.calls.throttle.enabled=false",
        "headroom.jobs.backoff-base=20ms", "headroom.jobs.backoff-cap=100ms", "headroom.jobs.default-max-attempts=4"})
public abstract class CommerceTestSupport {

    public static final String OPERATOR_KEY = "test-operator-key-0123456789";
    protected static final ProvidersServer PROVIDERS;
    protected static final JsonMapper JSON = JsonMapper.builder().build();

    static {
        try {
            PROVIDERS = ProvidersServer.start(0, Clock.systemUTC(), new Random(7), d -> Thread.sleep(d));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void system(DynamicPropertyRegistry registry) {
        String providers = "http://127.0.0.1:" + PROVIDERS.port();
        registry.add("headroom.providers.payments-url", () -> providers);
        registry.add("headroom.providers.email-url", () -> providers);
        registry.add("headroom.calls.timeout", () -> "1s");
        registry.add("headroom.operator-key", () -> OPERATOR_KEY);
    }

    @LocalServerPort
    protected int port;

    protected final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void resetProviders() throws Exception {
        HttpClient c = HttpClient.newHttpClient();
        for (String path : new String[] {"/ledger", "/faults/payments", "/faults/email"}) {
            c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PROVIDERS.port() + path)).DELETE().build(),
                    HttpResponse.BodyHandlers.discarding());
        }
    }

    @AfterEach
    void clearFaults() {
        providers("DELETE", "/faults/payments", null);
        providers("DELETE", "/faults/email", null);
    }

    /** A tenant as a test uses it. */
    public record Tenant(String id, String key) {
    }

    /** A response, with its body parsed when it is JSON. */
    public record Response(int status, String body, HttpHeaders headers) {

        public JsonNode json() {
            return JSON.readTree(body);
        }

        public String contentType() {
            return headers.firstValue("Content-Type").orElse("");
        }
    }

    protected Response call(String method, String path, String bearer, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.setHeader(headers[i], headers[i + 1]);
        }
        return send(b.build());
    }

    private Response send(HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body(), r.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    protected Tenant tenant(String name) {
        Response r = call("POST", "/admin/tenants", OPERATOR_KEY, "{\"name\":\"" + name + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return new Tenant(r.json().get("id").asString(), r.json().get("apiKey").asString());
    }

    protected long product(Tenant t, String sku, long priceCents, int stock) {
        Response r = call("POST", "/v1/products", t.key(),
                "{\"sku\":\"%s\",\"name\":\"Product %s\",\"priceCents\":%d,\"stock\":%d}".formatted(sku, sku, priceCents, stock));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asLong();
    }

    protected static String order(long productId, int quantity, String card) {
        return "{\"lines\":[{\"productId\":%d,\"quantity\":%d}],\"email\":\"buyer@example.com\",\"card\":\"%s\"}"
                .formatted(productId, quantity, card);
    }

    protected Response placeOrder(Tenant t, String body) {
        return call("POST", "/v1/orders", t.key(), body, "Idempotency-Key", UUID.randomUUID().toString());
    }

    protected int stock(Tenant t, long productId) {
        return call("GET", "/v1/products/" + productId, t.key(), null).json().get("stock").asInt();
    }

    /** Polls the order until {@code done} holds for it (30 s at most). */
    protected JsonNode awaitOrder(Tenant t, long orderId, Predicate<JsonNode> done) throws InterruptedException {
        return await("order " + orderId, () -> call("GET", "/v1/orders/" + orderId, t.key(), null).json(), done);
    }

    /** Polls {@code read} until {@code done} holds for what it returns (30 s at most). */
    protected static JsonNode await(String what, Supplier<JsonNode> read, Predicate<JsonNode> done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode last;
        do {
            last = read.get();
            if (done.test(last)) {
                return last;
            }
            Thread.sleep(25);
        } while (System.nanoTime() < deadline);
        throw new AssertionError(what + " did not get there within 30 s: " + last);
    }

    protected static Predicate<JsonNode> status(String s) {
        return o -> s.equals(o.path("status").asString());
    }

    protected JsonNode ledger() {
        return providers("GET", "/ledger", null).json();
    }

    /** Polls the providers' ledger until {@code done} holds (30 s at most). */
    protected JsonNode awaitLedger(Predicate<JsonNode> done) throws InterruptedException {
        return await("the ledger", this::ledger, done);
    }

    protected Response providers(String method, String path, String body) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PROVIDERS.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build());
    }
}
