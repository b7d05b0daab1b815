package io.headroom.proof;

import io.headroom.lab.analysis.Results;
import io.headroom.lab.proof.ProofVerdict;
import io.headroom.testing.FreshDatabase;
import io.headroom.testing.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Proof verdict 8: 10,000 generated malformed requests ({@link MalformedRequests}) against the app as a process:
 * no 5xx, every answer a problem+json with its type, status and detail, and the database unchanged.
 */
@FreshDatabase
class BadInputProofIT {

    static final int REQUESTS = 10_000;
    static final int CLIENTS = 4;
    static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void tenThousandMalformedRequestsGetProblemsNeverA5xxAndChangeNothing(TestDatabase db) throws Exception {
        try (ProofSystem system = ProofSystem.start("bad-input", db.jdbcUrl())) {
            system.startApp();
            String base = system.appUrl();
            // The requests are spread over several tenants so that per-tenant quotas (premium: 200/s) turn few away.
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                keys.add(tenant(base, "Fuzzed " + i));
            }
            String other = tenant(base, "Other");
            long otherProduct = created(base, "POST", "/v1/products", other, "{\"sku\":\"other\",\"name\":\"Other's\",\"priceCents\":500,\"stock\":100}", null);
            long otherOrder = created(base, "POST", "/v1/orders", other, "{\"lines\":[{\"productId\":%d,\"quantity\":1}],\"email\":\"o@example.com\",\"card\":\"4242424242424242\"}"
                    .formatted(otherProduct), "other-order-1");
            long otherReport = created(base, "POST", "/v1/reports", other, "{\"from\":\"2026-11-01\",\"to\":\"2026-11-30\"}", null);
            List<MalformedRequests.Targets> targets = new ArrayList<>();
            for (String key : keys) {
                long product = created(base, "POST", "/v1/products", key, "{\"sku\":\"mine\",\"name\":\"Mine\",\"priceCents\":100,\"stock\":1000}", null);
                targets.add(new MalformedRequests.Targets(key, other, product, otherProduct, otherOrder, otherReport, ProofSystem.OPERATOR_KEY));
            }
            system.awaitSettled(Duration.ofSeconds(30));
            Map<String, Long> before = snapshot(system);

            Map<String, LongAdder> byStatus = new TreeMap<>();
            ConcurrentMap<String, LongAdder> byFamily = new ConcurrentHashMap<>();
            List<String> wrong = new CopyOnWriteArrayList<>();
            AtomicInteger sent = new AtomicInteger();
            LongAdder fiveHundreds = new LongAdder();
            LongAdder answered = new LongAdder();
            List<String> crashed = new CopyOnWriteArrayList<>();
            LongAdder notProblems = new LongAdder();
            long started = System.nanoTime();
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                MalformedRequests requests = new MalformedRequests(8_000 + c, targets.get(c));
                clients.add(Thread.ofVirtual().uncaughtExceptionHandler((thread, e) -> crashed.add(e.toString())).start(() -> {
                    while (sent.getAndIncrement() < REQUESTS) {
                        MalformedRequests.Malformed m = requests.next();
                        byFamily.computeIfAbsent(m.family(), f -> new LongAdder()).increment();
                        String problem = send(base, m);
                        answered.increment();
                        int status = Integer.parseInt(problem.substring(0, 3));
                        synchronized (byStatus) {
                            byStatus.computeIfAbsent(Integer.toString(status), s -> new LongAdder()).increment();
                        }
                        if (status >= 500) {
                            fiveHundreds.increment();
                        }
                        if (problem.length() > 3) {
                            notProblems.increment();
                            if (wrong.size() < 20) {
                                wrong.add(m.family() + " " + m.method() + " " + m.path() + " -> " + problem);
                            }
                        }
                    }
                }));
            }
            for (Thread t : clients) {
                t.join();
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            system.awaitSettled(Duration.ofSeconds(30));
            Map<String, Long> after = snapshot(system);
            List<String> changed = new ArrayList<>();
            before.forEach((table, count) -> {
                if (!count.equals(after.get(table))) {
                    changed.add("%s %d -> %d".formatted(table, count, after.get(table)));
                }
            });
            wrong.forEach(w -> System.out.println("[proof] bad-input: not a problem: " + w));

            ProofVerdict verdict = system.verdict(8, "Bad input", """
                    %,d generated malformed requests (%s), each broken by construction, from %d clients at once against the app: \
                    none is answered 5xx, every answer is application/problem+json with its type, status and detail, and no \
                    business table changes. Answers by status: %s. Families: %s."""
                            .formatted(answered.sum(), String.join(", ", MalformedRequests.FAMILIES), CLIENTS, byStatus, new TreeMap<>(byFamily)),
                    new ProofVerdict.Builder()
                            .atLeast("malformed requests answered", answered.sum(), REQUESTS, "%,.0f")
                            .check("client threads that stopped on an error", crashed.isEmpty() ? "none" : String.join("; ", crashed), "none", crashed.isEmpty())
                            .atMost("answers with a 5xx status", fiveHundreds.sum(), 0, "%.0f")
                            .atMost("answers that are not a 4xx application/problem+json with type, status and detail", notProblems.sum(), 0, "%.0f")
                            .check("business tables changed", changed.isEmpty() ? "none (%d tables and the total stock)".formatted(before.size())
                                    : String.join("; ", changed), "none", changed.isEmpty())
                            .check("rate", "%.0f requests/s over %.1f s".formatted(answered.sum() / seconds, seconds), "recorded", true),
                    Results.Machine.current());
            ProofSystem.assertHolds(verdict);
        }
    }

    /**
     * Sends one malformed request; returns its status, followed by what is wrong with the answer if it is not a 4xx
     * problem (status, type, detail) as application/problem+json.
     */
    private String send(String base, MalformedRequests.Malformed m) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + m.path())).timeout(Duration.ofSeconds(30))
                    .method(m.method(), m.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(m.body()));
            for (int i = 0; i < m.headers().size(); i += 2) {
                b.header(m.headers().get(i), m.headers().get(i + 1));
            }
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            String status = Integer.toString(r.statusCode());
            String type = r.headers().firstValue("Content-Type").orElse("");
            if (r.statusCode() < 400 || r.statusCode() >= 500) {
                return status + " (not a 4xx): " + abbreviate(r.body());
            }
            if (!type.equals("application/problem+json")) {
                return status + " as " + type + ": " + abbreviate(r.body());
            }
            JsonNode problem = JSON.readTree(r.body());
            if (!problem.path("type").asString().startsWith("https://headroom.invalid/problems/") || problem.path("status").asInt() != r.statusCode()
                    || problem.path("detail").asString().isBlank()) {
                return status + " with an incomplete problem: " + abbreviate(r.body());
            }
            return status;
        } catch (IOException e) {
            return "000 no answer: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "000 interrupted";
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the generator made a request the HTTP client refuses to send: " + m, e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    private String tenant(String base, String name) throws Exception {
        JsonNode t = JSON.readTree(call(base, "POST", "/admin/tenants", ProofSystem.OPERATOR_KEY, "{\"name\":\"%s\",\"plan\":\"premium\"}".formatted(name), null, 201));
        return t.get("apiKey").asString();
    }

    private long created(String base, String method, String path, String key, String body, String idempotencyKey) throws Exception {
        return JSON.readTree(call(base, method, path, key, body, idempotencyKey, path.equals("/v1/reports") ? 202 : 201)).get("id").asLong();
    }

    private String call(String base, String method, String path, String key, String body, String idempotencyKey, int expected) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        if (idempotencyKey != null) {
            b.header("Idempotency-Key", idempotencyKey);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != expected) {
            throw new AssertionError(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    /**
     * Row counts of every business table and the total stock. Left out: orders.idempotency_key, where a decided refusal
     * (an order naming another tenant's product: 422) is remembered under its key by design, to be replayed.
     */
    private static Map<String, Long> snapshot(ProofSystem system) throws Exception {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String table : List.of("tenants.tenant", "tenants.api_key", "catalog.product", "orders.orders", "orders.order_line", "payments.charge",
                "notifications.email", "reporting.sale", "reporting.report", "jobs.job", "jobs.dead_job")) {
            counts.put(table, system.count("SELECT count(*) FROM " + table));
        }
        counts.put("catalog.product stock", system.count("SELECT coalesce(sum(stock), 0) FROM catalog.product"));
        return counts;
    }
}
