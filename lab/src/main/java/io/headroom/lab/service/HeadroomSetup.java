package io.headroom.lab.service;

import io.headroom.lab.scenario.Scenario;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Prepares a Headroom target through its own API: creates the scenario's tenants (operator key) on the chosen
 * plan, and products for each; in growth phases adds products in the background so the catalog grows with the
 * rate. Requests turned away with 429/503 are sent again after Retry-After.
 */
public final class HeadroomSetup implements HttpWorkload.TenantData {

    /** Products per tenant at most, however much a growth phase asks for (bounds the seeding's own load). */
    static final int MAX_PRODUCTS = 20_000;

    private final HttpClient http;
    private final String url;
    private final Scenario.Setup setup;
    private final JsonMapper json = JsonMapper.builder().build();
    private final List<String> keys = new ArrayList<>();
    private final List<List<Long>> products = new ArrayList<>();
    private final AtomicBoolean growing = new AtomicBoolean();
    private final String runId = Long.toString(System.currentTimeMillis(), 36);

    private HeadroomSetup(HttpClient http, Scenario scenario) {
        this.http = http;
        this.url = scenario.target().url().replaceAll("/+$", "");
        this.setup = scenario.setup();
    }

    /**
     * Tenants set up at once, each with its products on its own thread. One after the other, the overload scenario's
     * 100 tenants and 1,000 products took 12 s of each proof run on 2 cores (2026-12-07), most of it waiting for
     * each call's commit.
     */
    static final int SETUP_THREADS = 8;

    /** Creates the tenants and products; fails with a message naming the call that failed. */
    public static HeadroomSetup create(HttpClient http, Scenario scenario, String operatorKey) throws InterruptedException {
        if (operatorKey == null || operatorKey.isBlank()) {
            throw new IllegalArgumentException("setup: headroom needs the operator key (--operator-key, HEADROOM_OPERATOR_KEY or .headroom/operator-key)");
        }
        HeadroomSetup s = new HeadroomSetup(http, scenario);
        int tenants = scenario.tenantsToCreate();
        for (int t = 0; t < tenants; t++) {
            s.keys.add(null);
            s.products.add(Collections.synchronizedList(new ArrayList<>()));
        }
        List<Future<?>> done = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(SETUP_THREADS, Thread.ofVirtual().name("lab-setup-", 0).factory())) {
            for (int t = 0; t < tenants; t++) {
                int tenant = t;
                done.add(pool.submit(() -> {
                    JsonNode created = s.post("/admin/tenants", operatorKey,
                            "{\"name\":\"lab %s tenant %d\",\"plan\":\"%s\"}".formatted(s.runId, tenant, scenario.setup().plan()));
                    s.keys.set(tenant, created.get("apiKey").asString());
                    s.addProducts(tenant, scenario.setup().products());
                    return null;
                }));
            }
            // In order, so that the first failure reported is the first tenant's; Future.get also makes each thread's keys
            // and products visible here.
            for (Future<?> f : done) {
                f.get();
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof InterruptedException i) {
                throw i;
            }
            throw new IllegalStateException("setup failed: " + e.getCause(), e.getCause());
        }
        return s;
    }

    private void addProducts(int tenant, int count) throws InterruptedException {
        List<Long> mine = products.get(tenant);
        for (int i = 0; i < count; i++) {
            int n = mine.size();
            JsonNode p = post("/v1/products", keys.get(tenant), "{\"sku\":\"lab-%s-%d-%d\",\"name\":\"Lab product %d\",\"priceCents\":%d,\"stock\":%d}"
                    .formatted(runId, tenant, n, n, 500 + n % 5000, setup.stock()));
            mine.add(p.get("id").asLong());
        }
    }

    @Override
    public String key(int tenant) {
        return keys.get(tenant);
    }

    @Override
    public List<Long> products(int tenant) {
        return products.get(tenant);
    }

    @Override
    public void grow(double factor) {
        int target = (int) Math.min(MAX_PRODUCTS, Math.round(setup.products() * factor));
        if (!growing.compareAndSet(false, true)) {
            return; // the last period's seeding is still running; the next period asks again
        }
        Thread.ofVirtual().name("lab-seed").start(() -> {
            try {
                for (int t = 0; t < keys.size(); t++) {
                    addProducts(t, Math.max(0, target - products.get(t).size()));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                System.err.println("lab: seeding more products failed (the run goes on with the data it has): " + e.getMessage());
            } finally {
                growing.set(false);
            }
        });
    }

    private JsonNode post(String path, String bearer, String body) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            HttpResponse<String> r;
            try {
                r = http.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(10))
                        .header("Authorization", "Bearer " + bearer).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new IllegalStateException("setup: POST " + url + path + " failed: " + e.getMessage(), e);
            }
            if (r.statusCode() == 201) {
                return json.readTree(r.body());
            }
            if ((r.statusCode() == 429 || r.statusCode() == 503) && attempt < 20) {
                long wait = r.headers().firstValueAsLong("Retry-After").orElse(1);
                Thread.sleep(Math.min(5, Math.max(1, wait)) * 1000);
                continue;
            }
            throw new IllegalStateException("setup: POST " + url + path + " answered " + r.statusCode() + ": " + r.body());
        }
    }
}
