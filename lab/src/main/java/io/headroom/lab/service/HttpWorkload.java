package io.headroom.lab.service;

import io.headroom.lab.load.Generator;
import io.headroom.lab.scenario.Scenario;
import io.headroom.lab.scenario.Scenario.Operation;
import java.net.URI;
import io.headroom.lab.load.LabRequest;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests for any HTTP service from the scenario's operation templates. With {@link TenantData} (a Headroom
 * target, see {@link HeadroomSetup}) each request carries a tenant's key, tenants are chosen by a Zipf law over
 * the active ones, and {@code ${product}} is one of that tenant's products. Called from the generator's dispatch
 * thread only.
 */
public final class HttpWorkload implements Generator.Workload {

    /** What the setup created: per tenant its API key and product ids (the latter may grow during a run). */
    public interface TenantData {
        String key(int tenant);

        List<Long> products(int tenant);

        /** The data should now be {@code factor} times what the setup made (a growth phase's period began). */
        default void grow(double factor) {
        }
    }

    private final String baseUrl;
    private final TenantData tenants;
    private final double zipf;
    private final Random random;
    private final Map<Integer, double[]> cdfs = new ConcurrentHashMap<>();

    public HttpWorkload(Scenario scenario, TenantData tenants, long seed) {
        this.baseUrl = scenario.target().url().replaceAll("/+$", "");
        this.tenants = tenants;
        this.zipf = scenario.tenants().zipf();
        this.random = new Random(seed);
    }

    @Override
    public LabRequest request(Operation op, Integer fixedTenant, long n, int activeTenants) {
        int tenant = fixedTenant != null ? fixedTenant : pickTenant(activeTenants);
        String product = productOf(tenant);
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        headers.put("Request-Timeout", Long.toString(op.timeoutMs()));
        String body = op.body() == null ? null : fill(op.body(), product, n);
        if (body != null) {
            headers.put("Content-Type", "application/json");
        }
        if (tenants != null) {
            headers.put("Authorization", "Bearer " + tenants.key(tenant));
        }
        if (op.idempotencyKey()) {
            headers.put("Idempotency-Key", UUID.randomUUID().toString());
        }
        op.headers().forEach((k, v) -> headers.put(k, fill(v, product, n)));
        return new LabRequest(op.method(), URI.create(baseUrl + fill(op.path(), product, n)), headers, body, op.timeoutMs());
    }

    private String productOf(int tenant) {
        if (tenants == null) {
            return "0";
        }
        List<Long> products = tenants.products(tenant);
        synchronized (products) {
            return products.isEmpty() ? "0" : Long.toString(products.get(random.nextInt(products.size())));
        }
    }

    @Override
    public void grown(Scenario.Phase phase, int period, double factor) {
        if (tenants != null) {
            tenants.grow(factor);
        }
    }

    /** Tenant index in {@code 0..active-1}; tenant 0 is the busiest when {@code zipf > 0}. */
    int pickTenant(int active) {
        if (active <= 1) {
            return 0;
        }
        double[] cdf = cdfs.computeIfAbsent(active, this::cdf);
        double u = random.nextDouble();
        int lo = 0;
        int hi = cdf.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cdf[mid] < u) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private double[] cdf(int active) {
        double[] cdf = new double[active];
        double sum = 0;
        for (int k = 0; k < active; k++) {
            sum += 1 / Math.pow(k + 1, zipf);
            cdf[k] = sum;
        }
        for (int k = 0; k < active; k++) {
            cdf[k] /= sum;
        }
        return cdf;
    }

    static String fill(String template, String product, long n) {
        if (template.indexOf('$') < 0) {
            return template;
        }
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        return template.replace("${product}", product).replace("${n}", Long.toString(n))
                .replace("${uuid}", UUID.randomUUID().toString()).replace("${today}", today.toString())
                .replace("${daysAgo7}", today.minusDays(7).toString());
    }
}
