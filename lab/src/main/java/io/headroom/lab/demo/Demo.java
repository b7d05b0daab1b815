package io.headroom.lab.demo;

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
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What {@code ./headroom demo} does against a running system: creates two tenants with products, places orders
 * concurrently (some with a card that declines, some sent twice with the same Idempotency-Key), waits until every
 * order is final and every email sent, then prints the counts from the API and from the providers' ledgers and
 * checks that they agree. Exit 0 when they do, 1 when not (each mismatch is one line), 2 for bad arguments.
 *
 * <p>Usage: {@code Demo <app-url> <providers-url> <operator-key> [orders-per-tenant]}
 */
public final class Demo {

    static final String GOOD_CARD = "4242424242424242";
    static final String DECLINING_CARD = "4000000000000002";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final JsonMapper json = JsonMapper.builder().build();
    private final String app;
    private final String providers;
    private final String operatorKey;
    private final java.util.concurrent.atomic.AtomicInteger turnedAway = new java.util.concurrent.atomic.AtomicInteger();

    private Demo(String app, String providers, String operatorKey) {
        this.app = app;
        this.providers = providers;
        this.operatorKey = operatorKey;
    }

    record Reply(int status, JsonNode body, boolean replayed, long retryAfterSeconds) {
    }

    record Tenant(String name, String key, List<Long> products) {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3 || args.length > 4) {
            System.err.println("demo: usage: Demo <app-url> <providers-url> <operator-key> [orders-per-tenant]");
            System.exit(2);
        }
        int perTenant = 100;
        if (args.length == 4) {
            try {
                perTenant = Integer.parseInt(args[3]);
            } catch (NumberFormatException e) {
                perTenant = -1;
            }
            if (perTenant < 1 || perTenant > 10_000) {
                System.err.println("demo: orders-per-tenant must be a number within 1..10000, got '" + args[3] + "'");
                System.exit(2);
            }
        }
        System.exit(new Demo(args[0], args[1], args[2]).run(perTenant));
    }

    private int run(int perTenant) throws Exception {
        send("DELETE", providers + "/ledger", null, null, null);
        long started = System.nanoTime();
        List<Tenant> tenants = List.of(tenant("Acme Outfitters"), tenant("Globex Goods"));
        int stockEach = perTenant; // 3 products x perTenant units: enough for every order's 1..2 units
        for (Tenant t : tenants) {
            for (String sku : List.of("tent", "stove", "lantern")) {
                Reply p = send("POST", app + "/v1/products", t.key,
                        "{\"sku\":\"%s\",\"name\":\"%s\",\"priceCents\":%d,\"stock\":%d}".formatted(sku, sku, 1500 + 250 * t.products.size(), stockEach), null);
                require(p, 201, "create product " + sku + " for " + t.name);
                t.products.add(p.body.get("id").asLong());
            }
        }
        System.out.printf("demo: 2 tenants, 3 products each; placing %d orders concurrently (1 in 10 declines, 1 in 5 sent twice)%n",
                2 * perTenant);

        // Place orders: 16 in flight at a time, on virtual threads.
        Map<String, List<Long>> orderIds = new LinkedHashMap<>();
        int replays = 0;
        int replayMismatches = 0;
        Semaphore inFlight = new Semaphore(16);
        List<Future<Reply[]>> futures = new ArrayList<>();
        List<String> owners = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < perTenant; i++) {
                for (Tenant t : tenants) {
                    final int n = i;
                    owners.add(t.key);
                    futures.add(pool.submit(() -> {
                        inFlight.acquire();
                        try {
                            long product = t.products.get(n % 3);
                            String card = n % 10 == 9 ? DECLINING_CARD : GOOD_CARD;
                            String body = "{\"lines\":[{\"productId\":%d,\"quantity\":%d}],\"email\":\"customer%d@example.com\",\"card\":\"%s\"}"
                                    .formatted(product, 1 + n % 2, n, card);
                            String key = UUID.randomUUID().toString();
                            Reply first = sendPolitely("POST", app + "/v1/orders", t.key, body, key);
                            Reply second = n % 5 == 0 ? sendPolitely("POST", app + "/v1/orders", t.key, body, key) : null;
                            return new Reply[] {first, second};
                        } finally {
                            inFlight.release();
                        }
                    }));
                }
            }
        }
        for (int i = 0; i < futures.size(); i++) {
            Reply[] r = futures.get(i).get();
            require(r[0], 201, "place an order");
            orderIds.computeIfAbsent(owners.get(i), k -> new ArrayList<>()).add(r[0].body.get("id").asLong());
            if (r[1] != null) {
                replays++;
                if (r[1].status != 201 || !r[1].replayed || r[1].body.get("id").asLong() != r[0].body.get("id").asLong()) {
                    replayMismatches++;
                }
            }
        }
        int placed = orderIds.values().stream().mapToInt(List::size).sum();
        System.out.printf("demo: %d orders accepted (201) in %.1f s; %d sent twice with the same key%n",
                placed, (System.nanoTime() - started) / 1e9, replays);

        // Wait until every order is final and every email is sent.
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        Map<String, Integer> statuses;
        JsonNode ledger;
        do {
            statuses = new LinkedHashMap<>();
            for (Tenant t : tenants) {
                for (JsonNode o : allOrders(t)) {
                    statuses.merge(o.get("status").asString(), 1, Integer::sum);
                }
            }
            ledger = send("GET", providers + "/ledger", null, null, null).body;
            boolean allFinal = statuses.getOrDefault("PENDING_PAYMENT", 0) == 0 && statuses.getOrDefault("PAYMENT_STUCK", 0) == 0;
            if (allFinal && ledger.at("/email/effective").asLong() >= placed) {
                break;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);

        int paid = statuses.getOrDefault("PAID", 0);
        int failed = statuses.getOrDefault("PAYMENT_FAILED", 0);
        System.out.printf("demo: done in %.1f s%n", (System.nanoTime() - started) / 1e9);
        System.out.printf("  from the API:     placed %d, paid %d, payment failed %d, other %d%n", placed, paid, failed,
                statuses.values().stream().mapToInt(Integer::intValue).sum() - paid - failed);
        System.out.printf("  payment ledger:   charges %d, declines %d, replayed keys %d, duplicate charges %d%n",
                ledger.at("/payments/effective").asLong(), ledger.at("/payments/refused").asLong(),
                ledger.at("/payments/replays").asLong(), ledger.at("/payments/duplicateEffects").asLong());
        System.out.printf("  email ledger:     emails %d, replayed keys %d, duplicate emails %d%n",
                ledger.at("/email/effective").asLong(), ledger.at("/email/replays").asLong(), ledger.at("/email/duplicateEffects").asLong());
        System.out.printf("  idempotency keys: %d repeated requests, %d answered with the original order%n", replays, replays - replayMismatches);
        System.out.printf("  admission:        %d requests turned away with 429/503 and sent again after Retry-After%n", turnedAway.get());

        List<String> wrong = new ArrayList<>();
        int expectedFailed = 0;
        for (int i = 0; i < perTenant; i++) {
            if (i % 10 == 9) {
                expectedFailed += 2;
            }
        }
        check(wrong, "orders placed", placed, 2L * perTenant);
        check(wrong, "orders paid", paid, placed - expectedFailed);
        check(wrong, "orders whose payment failed", failed, expectedFailed);
        check(wrong, "charges in the ledger", ledger.at("/payments/effective").asLong(), paid);
        check(wrong, "declines in the ledger", ledger.at("/payments/refused").asLong(), failed);
        check(wrong, "duplicate charges", ledger.at("/payments/duplicateEffects").asLong(), 0);
        check(wrong, "emails sent", ledger.at("/email/effective").asLong(), placed);
        check(wrong, "duplicate emails", ledger.at("/email/duplicateEffects").asLong(), 0);
        check(wrong, "repeated requests not answered with the original order", replayMismatches, 0);
        if (!wrong.isEmpty()) {
            wrong.forEach(w -> System.out.println("demo: WRONG: " + w));
            return 1;
        }
        System.out.println("demo: every order reached a final state, every email was sent once, nothing was charged twice");
        return 0;
    }

    private static void check(List<String> wrong, String what, long actual, long expected) {
        if (actual != expected) {
            wrong.add(what + ": " + actual + ", expected " + expected);
        }
    }

    private Tenant tenant(String name) throws Exception {
        Reply r = send("POST", app + "/admin/tenants", operatorKey, "{\"name\":\"" + name + "\"}", null);
        require(r, 201, "create tenant " + name);
        return new Tenant(name, r.body.get("apiKey").asString(), new ArrayList<>());
    }

    private List<JsonNode> allOrders(Tenant t) throws Exception {
        List<JsonNode> all = new ArrayList<>();
        String after = "";
        do {
            Reply page = sendPolitely("GET", app + "/v1/orders?limit=100" + (after.isEmpty() ? "" : "&after=" + after), t.key, null, null);
            require(page, 200, "list orders");
            page.body.get("items").forEach(all::add);
            after = page.body.path("next").asString("");
        } while (!after.isEmpty());
        return all;
    }

    private void require(Reply r, int status, String what) {
        if (r.status != status) {
            throw new IllegalStateException("could not " + what + ": HTTP " + r.status + " " + r.body);
        }
    }

    /**
     * As a well-behaved client does: when admission control turns the request away (429, 503), wait what
     * Retry-After says (at most 2 s) and send it again with the same Idempotency-Key, up to 20 times.
     */
    private Reply sendPolitely(String method, String url, String bearer, String body, String idempotencyKey)
            throws IOException, InterruptedException {
        Reply r = send(method, url, bearer, body, idempotencyKey);
        for (int i = 0; i < 20 && (r.status == 429 || r.status == 503); i++) {
            turnedAway.incrementAndGet();
            Thread.sleep(Math.min(2_000, Math.max(100, r.retryAfterSeconds * 1000L)));
            r = send(method, url, bearer, body, idempotencyKey);
        }
        return r;
    }

    private Reply send(String method, String url, String bearer, String body, String idempotencyKey) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        if (idempotencyKey != null) {
            b.header("Idempotency-Key", idempotencyKey);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode parsed = r.body().isEmpty() ? json.nullNode() : json.readTree(r.body());
        long retryAfter = r.headers().firstValue("Retry-After").map(v -> {
            try {
                return Long.parseLong(v.trim());
            } catch (NumberFormatException e) {
                return 1L;
            }
        }).orElse(0L);
        return new Reply(r.statusCode(), parsed, r.headers().firstValue("Idempotent-Replayed").isPresent(), retryAfter);
    }
}
