package io.headroom.proof;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.lab.Lab;
import io.headroom.lab.analysis.Results;
import io.headroom.lab.proof.ProofVerdict;
import io.headroom.lab.scenario.Scenario;
import io.headroom.lab.service.PrometheusScraper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The whole system as real processes for one verdict of the proof suite: the payment and email simulators
 * ({@code providers/target/headroom-providers-exec.jar}) and the app ({@code app/target/headroom-app.jar}, extracted
 * and started with a JVM AOT cache: {@link AppImage}) on free loopback ports, on the database the test gives. The app
 * is started here or by the lab (a scenario with {@code target.command}, for kill faults); {@link #lab} runs a
 * scenario of {@code lab/scenarios/proof/} against it with the ports, database and jars as defines. Everything a
 * verdict writes goes to {@code app/target/proof/<name>/}. Closing stops every process it started.
 */
final class ProofSystem implements AutoCloseable {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path APP_JAR = ROOT.resolve("app/target/headroom-app.jar");
    static final Path PROVIDERS_JAR = ROOT.resolve("providers/target/headroom-providers-exec.jar");
    static final Path SCENARIOS = ROOT.resolve("lab/scenarios/proof");
    static final Path OUT = ROOT.resolve("app/target/proof");
    static final String OPERATOR_KEY = "proof-operator-key-0123456789abcdef";
    static final Duration START_BOUND = Duration.ofSeconds(120);
    static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    final String name;
    final Path dir;
    final String dbUrl;
    final int appPort;
    final int providersPort;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    private final List<String> runs = new ArrayList<>();
    private Process providers;
    private Process app;
    private int appStarts;

    private ProofSystem(String name, String dbUrl) throws IOException {
        this.name = name;
        this.dir = OUT.resolve(name);
        this.dbUrl = dbUrl;
        this.appPort = freePort();
        this.providersPort = freePort();
        deleteTree(dir);
        Files.createDirectories(dir);
    }

    /** Starts the provider simulators; the app comes later ({@link #startApp} or the lab). */
    static ProofSystem start(String name, String dbUrl) throws Exception {
        assertThat(APP_JAR).as("the app jar (built by 'package' before the integration tests)").isRegularFile();
        assertThat(PROVIDERS_JAR).isRegularFile();
        ProofSystem system = new ProofSystem(name, dbUrl);
        system.providers = new ProcessBuilder(java(), "-jar", PROVIDERS_JAR.toString(), "--port", Integer.toString(system.providersPort))
                .redirectErrorStream(true).redirectOutput(system.dir.resolve("providers.log").toFile()).start();
        system.awaitHealthy(system.providers, system.providersPort, "/health", "providers.log");
        AppImage.prepare(system.appArguments(), system.dir.resolve("app-image.log"));
        return system;
    }

    static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** The app's command line, as the scenarios' {@code target.command} spells it too. */
    List<String> appCommand(String... properties) {
        List<String> command = new ArrayList<>(AppImage.command());
        command.addAll(appArguments());
        command.addAll(List.of(properties));
        return command;
    }

    private List<String> appArguments() {
        return List.of("--server.port=" + appPort, "--spring.datasource.url=" + dbUrl, "--headroom.operator-key=" + OPERATOR_KEY,
                "--headroom.providers.payments-url=" + providersUrl(), "--headroom.providers.email-url=" + providersUrl());
    }

    /** Starts the app (with extra {@code --property=value} arguments) and waits until it is healthy. */
    void startApp(String... properties) throws Exception {
        assertThat(app == null || !app.isAlive()).as("one app at a time").isTrue();
        String log = "app-" + (++appStarts) + ".log";
        app = new ProcessBuilder(appCommand(properties)).redirectErrorStream(true).redirectOutput(dir.resolve(log).toFile()).start();
        awaitHealthy(app, appPort, "/actuator/health", log);
    }

    /** SIGTERM, and SIGKILL if it has not stopped within 30 s. */
    void stopApp() throws InterruptedException {
        stopApp(Duration.ofSeconds(30));
    }

    /** SIGTERM, and SIGKILL if it has not stopped within {@code grace}. */
    void stopApp(Duration grace) throws InterruptedException {
        stop(app, grace);
        app = null;
    }

    String appUrl() {
        return "http://127.0.0.1:" + appPort;
    }

    String providersUrl() {
        return "http://127.0.0.1:" + providersPort;
    }

    /**
     * Runs {@code lab/scenarios/proof/<scenario>} against the system; its results go to {@code <dir>/<label>}. The
     * defines a scenario's commands may use: java, appJar (the app's jar), cacheOption (the JVM option that starts it
     * from its AOT cache), port, db, providers, operatorKey, root, and {@code extra}.
     */
    Results lab(String scenario, String label, Map<String, String> extra) throws IOException {
        Path out = dir.resolve(label);
        Map<String, String> defines = new LinkedHashMap<>(Map.of("java", java(), "appJar", AppImage.JAR.toString(), "cacheOption",
                AppImage.cacheOption(), "port", Integer.toString(appPort),
                "db", dbUrl, "providers", providersUrl(), "operatorKey", OPERATOR_KEY, "root", ROOT.toString()));
        defines.putAll(extra);
        List<String> args = new ArrayList<>(List.of("run", SCENARIOS.resolve(scenario).toString(), "--target", appUrl(), "--providers", providersUrl(),
                "--operator-key", OPERATOR_KEY, "--label", label, "--out", out.toString()));
        defines.forEach((k, v) -> args.addAll(List.of("--define", k + "=" + v)));
        int exit = Lab.execute(args.toArray(String[]::new));
        assertThat(exit).as("lab run %s (%s): 0 or 1 (a verdict), not a failed run", scenario, label).isBetween(0, 1);
        runs.add(label);
        return JSON.readValue(out.resolve("results.json").toFile(), Results.class);
    }

    /**
     * {@code scenario} without its capacity steps, each {@code capacityFactor} phase turned into the rate it makes of
     * {@code capacity}, and each fault after the steps moved earlier by their length: written beside the verdict's
     * results, for the naive system, which is offered the requests per second the hardened system's steps measured
     * (side by side at one load) rather than multiples of a capacity of its own.
     */
    Path atRatesOf(Path scenario, double capacity) throws IOException {
        return atRatesOf(scenario, capacity, dir);
    }

    /**
     * {@link #atRatesOf(Path, double)}, written to {@code dir}. The phases' lengths are the lab's own reading of the
     * scenario ({@link Scenario#load}: a steps phase lasts its steps times {@code stepSeconds}); the file written is the
     * scenario's YAML with only the steps, the factors and the faults' times changed.
     */
    static Path atRatesOf(Path scenario, double capacity, Path dir) throws IOException {
        List<Scenario.Phase> parsed = Scenario.load(scenario).phases();
        ObjectNode tree = (ObjectNode) YAML.readTree(scenario.toFile());
        ArrayNode phases = YAML.createArrayNode();
        List<double[]> removed = new ArrayList<>(); // {from, seconds} of each steps phase
        double at = 0;
        for (int i = 0; i < parsed.size(); i++) {
            Scenario.Phase phase = parsed.get(i);
            if (phase.type().equals("steps")) {
                removed.add(new double[] {at, phase.seconds()});
            } else {
                ObjectNode copy = ((ObjectNode) tree.get("phases").get(i)).deepCopy();
                toRate(copy, capacity);
                copy.path("extra").forEach(stream -> toRate((ObjectNode) stream, capacity));
                phases.add(copy);
            }
            at += phase.seconds();
        }
        tree.set("phases", phases);
        for (JsonNode fault : tree.path("faults")) {
            double faultAt = fault.get("at").asDouble();
            double shift = 0;
            for (double[] r : removed) {
                if (faultAt > r[0] && faultAt < r[0] + r[1]) {
                    throw new IllegalArgumentException("fault %s at %.0f s falls in capacity steps (%.0f-%.0f s), which the naive run leaves out"
                            .formatted(fault.get("name").asString(), faultAt, r[0], r[0] + r[1]));
                }
                shift += faultAt >= r[0] + r[1] ? r[1] : 0;
            }
            ((ObjectNode) fault).put("at", faultAt - shift);
        }
        String name = tree.get("name").asString();
        tree.put("name", name + "-at-rates");
        tree.put("description", "%s at the rates that %.0f requests/s of capacity makes, without capacity steps.".formatted(name, capacity));
        Path out = dir.resolve(scenario.getFileName().toString().replace(".yaml", "-at-rates.yaml"));
        YAML.writeValue(out.toFile(), tree);
        return out;
    }

    /** A phase's or stream's {@code capacityFactor} as the {@code rate} it makes of {@code capacity}. */
    private static void toRate(ObjectNode node, double capacity) {
        if (node.has("capacityFactor")) {
            node.put("rate", Math.round(node.remove("capacityFactor").asDouble() * capacity));
        }
    }

    /** Empties the simulators' ledgers and clears their faults (between two runs on one system). */
    void resetProviders() throws Exception {
        for (String path : List.of("/ledger", "/faults/payments", "/faults/email")) {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(providersUrl() + path)).DELETE().timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding());
            assertThat(r.statusCode()).as("DELETE %s", path).isBetween(200, 204);
        }
    }

    JsonNode ledger() throws Exception {
        return JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(providersUrl() + "/ledger")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    /**
     * What the app's admission control has refused so far in one class ({@code CRITICAL}, ...), by reason: its
     * {@code headroom_admission_rejected_total} counters, read from {@code /actuator/prometheus}.
     */
    Map<String, Long> refused(String priorityClass) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(appUrl() + "/actuator/prometheus")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET /actuator/prometheus").isEqualTo(200);
        Map<String, Long> byReason = new TreeMap<>();
        for (PrometheusScraper.Sample s : PrometheusScraper.parse(r.body())) {
            if (s.name().equals("headroom_admission_rejected_total") && priorityClass.equals(s.labels().get("class"))) {
                byReason.merge(s.labels().get("reason"), Math.round(s.value()), Long::sum);
            }
        }
        return byReason;
    }

    /** One number from the database (as the owner, outside row-level security: a proof counts every tenant's rows). */
    long count(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(dbUrl); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    /** Orders by status. */
    Map<String, Long> orders() throws SQLException {
        Map<String, Long> byStatus = new LinkedHashMap<>();
        for (String status : List.of("PENDING_PAYMENT", "PAID", "PAYMENT_FAILED", "PAYMENT_STUCK")) {
            byStatus.put(status, count("SELECT count(*) FROM orders.orders WHERE status = '" + status + "'"));
        }
        return byStatus;
    }

    /** Polls {@code orders()} until {@code done} holds, at most {@code bound}; returns the last reading either way. */
    Map<String, Long> awaitOrders(Predicate<Map<String, Long>> done, Duration bound) throws Exception {
        long until = System.nanoTime() + bound.toNanos();
        Map<String, Long> last = orders();
        while (!done.test(last) && System.nanoTime() < until) {
            Thread.sleep(250);
            last = orders();
        }
        return last;
    }

    /** Every order final (paid or declined) and every email sent, or {@code bound} passed. */
    Map<String, Long> awaitSettled(Duration bound) throws Exception {
        return awaitOrders(o -> {
            try {
                return o.get("PENDING_PAYMENT") == 0 && count("SELECT count(*) FROM notifications.email WHERE status <> 'SENT'") == 0;
            } catch (SQLException e) {
                throw new IllegalStateException("reading the email table failed: " + e.getMessage(), e);
            }
        }, bound);
    }

    String databaseVersion() throws SQLException {
        try (Connection c = DriverManager.getConnection(dbUrl)) {
            return "PostgreSQL " + c.getMetaData().getDatabaseProductVersion();
        }
    }

    /** 2xx answers to {@code label} (an operation or extra stream) over the whole run: what the system acknowledged. */
    static long acknowledged(Results r, String label) {
        return r.windows().stream().mapToLong(w -> w.labels().containsKey(label) ? w.labels().get(label).ok() : 0).sum();
    }

    /** Writes {@code verdict-<number>.json} (before the test asserts, so a failing verdict is recorded with its figures). */
    ProofVerdict verdict(int number, String title, String claim, ProofVerdict.Builder checks, Results.Machine machine) throws Exception {
        ProofVerdict v = new ProofVerdict(number, name, title, claim, checks.passed(), Instant.now().toString(), machine, databaseVersion(),
                checks.checks(), List.copyOf(runs));
        JSON.writeValue(dir.resolve("verdict-" + number + ".json").toFile(), v);
        v.checks().forEach(c -> System.out.printf("[proof] %s: %s: %s (target %s) %s%n", name, c.what(), c.measured(), c.target(),
                c.passed() ? "held" : c.gating() ? "FAILED" : "NOT MET (not gating)"));
        return v;
    }

    /** Asserts every gating check of {@code v}, naming the ones that failed. */
    static void assertHolds(ProofVerdict v) {
        assertThat(v.checks()).as("checks of verdict %s", v.name()).filteredOn(ProofVerdict.Check::gating).allSatisfy(c -> assertThat(c.passed())
                .as("%s: measured %s, target %s", c.what(), c.measured(), c.target()).isTrue());
    }

    private void awaitHealthy(Process process, int port, String path, String log) throws Exception {
        long until = System.nanoTime() + START_BOUND.toNanos();
        while (System.nanoTime() < until) {
            assertThat(process.isAlive()).as("%s exited while starting; see %s", log, dir.resolve(log)).isTrue();
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not healthy within " + START_BOUND.toSeconds() + " s; see " + dir.resolve(log));
    }

    private static void stop(Process p, Duration grace) throws InterruptedException {
        if (p == null || !p.isAlive()) {
            return;
        }
        List<ProcessHandle> children = p.descendants().toList();
        p.toHandle().destroy();
        if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }

    @Override
    public void close() throws InterruptedException {
        stop(app, Duration.ofSeconds(30));
        stop(providers, Duration.ofSeconds(30));
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (Files.exists(root)) {
            try (var paths = Files.walk(root)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
