package io.headroom.bench.admission;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import io.headroom.postgres.JdbcUrls;
import io.headroom.postgres.PostgresResolver;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Admission control measured side by side in one run, against the real system (app jar, provider simulators,
 * PostgreSQL) on this machine:
 * <ol>
 *   <li><b>Overhead</b>: GET /v1/products/{id} at a steady open-model rate well below capacity, admission off and
 *       on, alternating (off, on, off, on) so that drift hits both; throughput and p50/p99 from each request's
 *       intended start (no coordinated omission).</li>
 *   <li><b>Goodput under overload</b>: the checkout capacity C is measured closed-loop on the hardened app; then
 *       CRITICAL checkouts are offered open-loop at 2C and 5C to the hardened and the naive app; goodput = 201s
 *       answered within the 2 s CRITICAL deadline, per second.</li>
 *   <li><b>The cost of a refusal</b>: the app's CPU time per request, read from its process, for reads it serves and
 *       for reads it turns away (a free-plan tenant far over its quota, 429), alternating served, refused, served,
 *       refused. Under overload most requests are refused: what each refusal costs is taken from the capacity left
 *       for the requests that are served.</li>
 * </ol>
 * Writes bench/target/admission-bench.md. Usage: see bench/run-admission-bench.sh.
 */
public final class AdmissionBench {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final Path root;
    private final String dbUrl;
    private final String java;
    private final int appPort = 18181;
    private final int providersPort = 18191;
    private final String operatorKey = "bench-operator-" + UUID.randomUUID();
    private final int seconds;
    private final int rate;
    private final List<String> parts;
    /** The app of the phase running now. */
    private ProcessHandle app;

    private AdmissionBench(Path root, String dbUrl, String java, int seconds, int rate, List<String> parts) {
        this.parts = parts;
        this.root = root;
        this.dbUrl = dbUrl;
        this.java = java;
        this.seconds = seconds;
        this.rate = rate;
    }

    /** The app's CPU time per request in one phase: {@code cpuMicros} per request after its idle rate is taken out. */
    record Cost(String label, boolean refusals, double perSecond, long requests, long answeredAs, double cpuMicros) {
    }

    record Result(String label, double offered, double throughput, double goodput, long p50Micros, long p99Micros,
                  long ok, long rejected, long failed, long late) {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: AdmissionBench <jdbc-url> <java> [seconds per phase (20)] [steady rate (150)] [parts (overhead,cost,overload)]");
            System.exit(2);
        }
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        int rate = args.length > 3 ? Integer.parseInt(args[3]) : 150;
        List<String> parts = List.of((args.length > 4 ? args[4] : "overhead,cost,overload").split(","));
        if (!List.of("overhead", "cost", "overload").containsAll(parts)) {
            System.err.println("parts: a comma-separated list of overhead, cost and overload, not " + args[4]);
            System.exit(2);
        }
        // A database of its own, empty each run: the bench leaves pending jobs behind that must not reach other runs.
        PostgresResolver.recreateDatabase(args[0], "headroom_bench");
        new AdmissionBench(Path.of("").toAbsolutePath(), JdbcUrls.withDatabase(args[0], "headroom_bench"), args[1], seconds, rate, parts).run();
    }

    private void run() throws Exception {
        Process providers = start(List.of(java, "-jar", root.resolve("providers/target/headroom-providers-exec.jar").toString(),
                "--port", Integer.toString(providersPort)), "providers");
        awaitUp(providersPort, "/health");
        List<Result> overhead = new ArrayList<>();
        List<Result> overload = new ArrayList<>();
        List<Cost> costs = new ArrayList<>();
        double capacity = Double.NaN;
        try {
            if (parts.contains("overhead")) {
                for (String admission : List.of("false", "true", "false", "true")) {
                    overhead.add(withApp(List.of("--headroom.admission.enabled=" + admission), () -> steadyReads(
                            admission.equals("true") ? "admission on" : "admission off")));
                }
            }
            if (parts.contains("cost")) {
                withApp(List.of(), () -> {
                    costs.addAll(requestCosts());
                    return null;
                });
            }
            if (parts.contains("overload")) {
                double c = withApp(List.of(), this::checkoutCapacity).throughput();
                capacity = c;
                for (String mode : List.of("hardened", "naive")) {
                    for (int factor : new int[] {2, 5}) {
                        overload.add(withApp(List.of("--headroom.mode=" + mode), () -> offeredCheckouts(mode + " at " + factor + "x", factor * c)));
                    }
                }
            }
        } finally {
            providers.destroy();
            providers.waitFor(20, TimeUnit.SECONDS);
        }
        report(overhead, capacity, overload, costs);
    }

    // --- the phases --------------------------------------------------------------------------------------

    private Result steadyReads(String label) throws Exception {
        List<String[]> targets = readers();
        openLoop(rate, 5, targets, (t, i) -> get("/v1/products/" + t[1], t[0]), Duration.ofSeconds(1), "warm-up");
        return openLoop(rate, seconds, targets, (t, i) -> get("/v1/products/" + t[1], t[0]), Duration.ofSeconds(1), label);
    }

    /**
     * Reads served (standard tenants, quota raised out of the way) and reads refused (a free-plan tenant, 5/s, asked
     * {@code 4 * rate}/s): warmed for 40 and 15 s, then measured twice, alternating. The app's CPU comes from its
     * process ({@link ProcessHandle.Info#totalCpuDuration}); its idle rate, measured for 5 s first, is taken out.
     */
    private List<Cost> requestCosts() throws Exception {
        List<String[]> readers = readers();
        String freeKey = tenant("Over quota", "free");
        // Its own product (the one call of its quota spent on it), so that the few reads the quota lets through are 200s.
        List<String[]> overQuota = List.<String[]>of(new String[] {freeKey, Long.toString(product(freeKey, 1_000_000))});
        Call read = (t, i) -> get("/v1/products/" + t[1], t[0]);
        // Long warm-ups: the first served phase after 10 s of them cost 1.5x the second (1,870 against 1,265 µs, 2026-12-07).
        openLoop(rate, 40, readers, read, Duration.ofSeconds(1), "warm-up");
        openLoop(4 * rate, 15, overQuota, read, Duration.ofSeconds(1), "warm-up");
        Thread.sleep(2000);
        long idleStart = System.nanoTime();
        long idleCpu = appCpuNanos();
        Thread.sleep(5000);
        double idlePerSecond = (appCpuNanos() - idleCpu) / ((System.nanoTime() - idleStart) / 1e9);
        List<Cost> costs = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            costs.add(cost("served", rate, readers, read, idlePerSecond, 200));
            costs.add(cost("refused (429, over quota)", 4 * rate, overQuota, read, idlePerSecond, 429));
        }
        return costs;
    }

    private Cost cost(String label, int perSecond, List<String[]> targets, Call call, double idleCpuPerSecond, int status) throws Exception {
        long cpu = appCpuNanos();
        long start = System.nanoTime();
        Result r = openLoop(perSecond, seconds, targets, call, Duration.ofSeconds(1), label);
        double elapsed = (System.nanoTime() - start) / 1e9;
        long requests = r.ok() + r.rejected() + r.failed();
        long answeredAs = status == 200 ? r.ok() : r.rejected();
        double micros = (appCpuNanos() - cpu - idleCpuPerSecond * elapsed) / 1000.0 / requests;
        System.out.printf(Locale.ROOT, "[bench] cost %-26s %d requests (%d answered %d): %.0f µs of the app's CPU each%n",
                label, requests, answeredAs, status, micros);
        return new Cost(label, status != 200, perSecond, requests, answeredAs, micros);
    }

    private long appCpuNanos() {
        return app.info().totalCpuDuration().orElseThrow(() -> new IllegalStateException("this OS does not report a process's CPU time"))
                .toNanos();
    }

    private Result checkoutCapacity() throws Exception {
        List<String[]> targets = shops(20);
        AtomicLong done = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long warmEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < 32; c++) {
                final int client = c;
                clients.submit(() -> {
                    int i = 0;
                    while (System.nanoTime() < end) {
                        String[] t = targets.get((client + i++) % targets.size());
                        int status = order(t);
                        if (status == 201 && System.nanoTime() > warmEnd) {
                            done.incrementAndGet();
                        }
                    }
                    return null;
                });
            }
        }
        double perSecond = done.get() / (double) (seconds - 5);
        System.out.printf(Locale.ROOT, "[bench] checkout capacity (32 closed-loop clients, hardened): %.0f orders/s%n", perSecond);
        return new Result("capacity", 0, perSecond, perSecond, 0, 0, done.get(), 0, 0, 0);
    }

    private Result offeredCheckouts(String label, double offered) throws Exception {
        List<String[]> targets = shops(20);
        openLoop(Math.max(1, (int) (offered / 4)), 3, targets, (t, i) -> order(t), Duration.ofSeconds(2), "warm-up");
        return openLoop((int) offered, seconds, targets, (t, i) -> order(t), Duration.ofSeconds(2), label);
    }

    // --- the generator -----------------------------------------------------------------------------------

    @FunctionalInterface
    interface Call {
        int send(String[] target, long i) throws Exception;
    }

    /**
     * Sends {@code perSecond} requests a second for {@code secs} seconds at fixed intervals, each on its own
     * virtual thread, whatever the earlier ones are doing (open model). Latency counts from the intended start.
     */
    private Result openLoop(int perSecond, int secs, List<String[]> targets, Call call, Duration goodWithin, String label) throws Exception {
        Recorder recorder = new Recorder(3);
        AtomicLong ok = new AtomicLong();
        AtomicLong good = new AtomicLong();
        AtomicLong rejected = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long total = (long) perSecond * secs;
        long interval = 1_000_000_000L / perSecond;
        long start = System.nanoTime() + 50_000_000L;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (long i = 0; i < total; i++) {
                long intended = start + i * interval;
                long now;
                while ((now = System.nanoTime()) < intended) {
                    LockSupport.parkNanos(intended - now);
                }
                final long n = i;
                pool.submit(() -> {
                    int status;
                    try {
                        status = call.send(targets.get((int) (n % targets.size())), n);
                    } catch (Exception e) {
                        status = -1;
                    }
                    long latency = System.nanoTime() - intended;
                    recorder.recordValue(Math.min(TimeUnit.NANOSECONDS.toMicros(latency), TimeUnit.SECONDS.toMicros(60)));
                    if (status >= 200 && status < 300) {
                        ok.incrementAndGet();
                        if (latency <= goodWithin.toNanos()) {
                            good.incrementAndGet();
                        }
                    } else if (status == 429 || status == 503) {
                        rejected.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                    }
                });
            }
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        Histogram h = recorder.getIntervalHistogram();
        Result r = new Result(label, perSecond, ok.get() / elapsed, good.get() / (double) secs, h.getValueAtPercentile(50),
                h.getValueAtPercentile(99), ok.get(), rejected.get(), failed.get(), ok.get() - good.get());
        if (!label.equals("warm-up")) {
            System.out.printf(Locale.ROOT, "[bench] %-22s offered %5d/s: ok %.0f/s, good %.0f/s, p50 %d us, p99 %d us, rejected %d, failed %d%n",
                    label, perSecond, r.throughput(), r.goodput(), r.p50Micros(), r.p99Micros(), r.rejected(), r.failed());
        }
        return r;
    }

    // --- the system --------------------------------------------------------------------------------------

    @FunctionalInterface
    interface Phase {
        Result run() throws Exception;
    }

    private Result withApp(List<String> args, Phase phase) throws Exception {
        List<String> command = new ArrayList<>(List.of(java, "-jar", root.resolve("app/target/headroom-app.jar").toString(),
                "--server.port=" + appPort, "--headroom.providers.payments-url=http://127.0.0.1:" + providersPort,
                "--headroom.providers.email-url=http://127.0.0.1:" + providersPort, "--headroom.operator-key=" + operatorKey,
                "--logging.level.root=WARN",
                // Every tenant is premium-sized here: the bench measures the system, not the quotas.
                "--headroom.admission.plans.standard.per-second=100000", "--headroom.admission.plans.standard.burst=100000"));
        command.addAll(args);
        Process app = start(command, "app " + args);
        this.app = app.toHandle();
        try {
            awaitUp(appPort, "/actuator/health");
            return phase.run();
        } finally {
            app.destroy();
            if (!app.waitFor(30, TimeUnit.SECONDS)) {
                app.destroyForcibly();
            }
        }
    }

    private Process start(List<String> command, String name) throws IOException {
        ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(root.resolve("bench/target/" + name.replaceAll("[^a-z0-9]+", "-") + ".log").toFile());
        b.environment().put("HEADROOM_DB_URL", dbUrl);
        return b.start();
    }

    private void awaitUp(int port, String path) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < until) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.body().contains("\"UP\"")) {
                    return;
                }
            } catch (IOException e) {
                // not yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("nothing answered UP on port " + port + " within 120 s; see bench/target/*.log");
    }

    /** Four standard tenants with a product each (plenty of stock): the steady reads' targets, {key, product id}. */
    private List<String[]> readers() throws Exception {
        List<String[]> readers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String key = tenant("Reader " + i, "standard");
            readers.add(new String[] {key, Long.toString(product(key, 1_000_000))});
        }
        return readers;
    }

    private List<String[]> shops(int n) throws Exception {
        List<String[]> shops = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String key = tenant("Shop " + i, "standard");
            shops.add(new String[] {key, Long.toString(product(key, 1_000_000_000))});
        }
        return shops;
    }

    private String tenant(String name, String plan) throws Exception {
        HttpResponse<String> r = send("POST", "/admin/tenants", operatorKey, "{\"name\":\"" + name + "\",\"plan\":\"" + plan + "\"}", null);
        if (r.statusCode() != 201) {
            throw new IllegalStateException("creating a tenant: " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body()).get("apiKey").asString();
    }

    private long product(String key, int stock) throws Exception {
        HttpResponse<String> r = send("POST", "/v1/products", key,
                "{\"sku\":\"b-%s\",\"name\":\"Bench\",\"priceCents\":500,\"stock\":%d}".formatted(UUID.randomUUID(), stock), null);
        if (r.statusCode() != 201) {
            throw new IllegalStateException("creating a product: " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body()).get("id").asLong();
    }

    private int get(String path, String key) throws Exception {
        return send("GET", path, key, null, null).statusCode();
    }

    private int order(String[] shop) throws Exception {
        return send("POST", "/v1/orders", shop[0], "{\"lines\":[{\"productId\":%s,\"quantity\":1}],\"email\":\"b@example.com\",\"card\":\"4242424242424242\"}"
                .formatted(shop[1]), UUID.randomUUID().toString()).statusCode();
    }

    private HttpResponse<String> send(String method, String path, String bearer, String body, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + appPort + path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + bearer)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (key != null) {
            b.header("Idempotency-Key", key);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    // --- the report --------------------------------------------------------------------------------------

    private void report(List<Result> overhead, double capacity, List<Result> overload, List<Cost> costs) throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("# Admission control benchmark\n\n");
        md.append("Run ").append(LocalDate.now()).append(" on ").append(Runtime.getRuntime().availableProcessors()).append(" cores, JDK ")
                .append(System.getProperty("java.version")).append("; app, provider simulators, PostgreSQL and this load generator on the same machine.\n\n");
        if (!overhead.isEmpty()) {
            double offTput = (overhead.get(0).throughput() + overhead.get(2).throughput()) / 2;
            double onTput = (overhead.get(1).throughput() + overhead.get(3).throughput()) / 2;
            double offP50 = (overhead.get(0).p50Micros() + overhead.get(2).p50Micros()) / 2.0;
            double onP50 = (overhead.get(1).p50Micros() + overhead.get(3).p50Micros()) / 2.0;
            md.append("## Overhead at a steady ").append(rate).append(" GET/s (open model, ").append(seconds).append(" s per phase, off/on/off/on)\n\n");
            md.append("| phase | throughput /s | p50 µs | p99 µs | rejected | failed |\n|---|---|---|---|---|---|\n");
            for (Result r : overhead) {
                md.append(String.format(Locale.ROOT, "| %s | %.1f | %d | %d | %d | %d |%n", r.label(), r.throughput(), r.p50Micros(), r.p99Micros(), r.rejected(), r.failed()));
            }
            md.append(String.format(Locale.ROOT, "%nThroughput on/off: %.3f (target >= 0.97). p50 on - off: %+.0f µs (target <= 50 µs).%n%n",
                    onTput / offTput, onP50 - offP50));
        }
        if (!overload.isEmpty()) {
            md.append(String.format(Locale.ROOT, "## Goodput of CRITICAL checkouts over capacity%n%nCapacity C (32 closed-loop clients, hardened): %.0f orders/s. "
                    + "Goodput: 201 within the 2 s CRITICAL deadline, per second.%n%n", capacity));
            md.append("| run | offered /s | goodput /s | goodput / C | p50 ms | p99 ms | 201 late | 429/503 | other failures |\n|---|---|---|---|---|---|---|---|---|\n");
            for (Result r : overload) {
                md.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.2f | %d | %d | %d | %d | %d |%n", r.label(), r.offered(), r.goodput(),
                        r.goodput() / capacity, r.p50Micros() / 1000, r.p99Micros() / 1000, r.late(), r.rejected(), r.failed()));
            }
            md.append("\n");
        }
        if (!costs.isEmpty()) {
            md.append(String.format(Locale.ROOT, "## The cost of a refusal%n%nThe app's CPU time per request (its idle rate taken out), %d s per phase.%n%n", seconds));
            md.append("| phase | offered /s | requests | answered as intended | app CPU µs per request |\n|---|---|---|---|---|\n");
            for (Cost c : costs) {
                md.append(String.format(Locale.ROOT, "| %s | %.0f | %d | %d | %.0f |%n", c.label(), c.perSecond(), c.requests(), c.answeredAs(), c.cpuMicros()));
            }
            // The mean of each kind's phases; requestCosts runs both kinds, twice each.
            Map<Boolean, Double> mean = costs.stream().collect(Collectors.partitioningBy(Cost::refusals, Collectors.averagingDouble(Cost::cpuMicros)));
            double served = mean.get(false);
            double refused = mean.get(true);
            md.append(String.format(Locale.ROOT, "%nA refusal costs %.2f of a served read (%.0f µs against %.0f µs).%n", refused / served, refused, served));
        }
        Path out = root.resolve("bench/target/admission-bench.md");
        Files.writeString(out, md);
        System.out.println(md);
        System.out.println("[bench] written to " + out);
    }
}
