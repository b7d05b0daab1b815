package io.headroom.lab;

import io.headroom.lab.analysis.Analysis;
import io.headroom.lab.analysis.Results;
import io.headroom.lab.load.Generator;
import io.headroom.lab.load.Outcome;
import io.headroom.lab.load.Recorder;
import io.headroom.lab.load.Transport;
import io.headroom.lab.report.HtmlReport;
import io.headroom.lab.scenario.Scenario;
import io.headroom.lab.service.FaultTimeline;
import io.headroom.lab.service.HeadroomSetup;
import io.headroom.lab.service.HttpWorkload;
import io.headroom.lab.service.PrometheusScraper;
import io.headroom.lab.service.TargetProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** {@code lab run <scenario.yaml>}: runs a scenario against a target, writes results.json and report.html. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run a scenario; exit 1 when a verdict fails.")
final class RunCommand implements Callable<Integer> {

    static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    @Parameters(index = "0", paramLabel = "SCENARIO", description = "the scenario file (YAML)")
    Path scenarioFile;

    @Option(names = "--target", description = "the service's base URL (default: the scenario's, else http://127.0.0.1:8080)")
    String target;

    @Option(names = "--providers", description = "the provider simulators' URL, for faults (default: the scenario's)")
    String providers;

    @Option(names = "--out", description = "where results.json and report.html go (default: lab-results/<scenario>-<label>-<time>)")
    Path out;

    @Option(names = "--label", defaultValue = "run", description = "a name for this run in the report and in compare (e.g. hardened)")
    String label;

    @Option(names = "--operator-key", description = "operator key for setup: headroom (default: HEADROOM_OPERATOR_KEY, then .headroom/operator-key)")
    String operatorKey;

    @Option(names = "--allow-remote", description = "allow a target that is not on this machine (loopback only otherwise)")
    boolean allowRemote;

    @Option(names = "--seed", defaultValue = "1", description = "seed of the arrival and workload randomness")
    long seed;

    @Option(names = {"-D", "--define"}, paramLabel = "NAME=VALUE", description = "a value for ${NAME} in target.command (repeatable)")
    Map<String, String> defines = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        Scenario loaded = Scenario.load(scenarioFile);
        Scenario.Target t = loaded.target();
        Scenario scenario = new Scenario(loaded.name(), loaded.description(), new Scenario.Target(target != null ? target : t.url(),
                providers != null ? providers : t.providers(), t.metrics(), t.command(), t.health()), loaded.limits(), loaded.setup(),
                loaded.tenants(), loaded.operations(), loaded.phases(), loaded.faults(), loaded.slos());
        requireLocal(scenario.target().url(), "--target");
        if (scenario.faults().stream().anyMatch(Scenario.Fault::viaProviders)) {
            requireLocal(scenario.target().providers(), "--providers");
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        Path dir = out != null ? out : Path.of("lab-results", scenario.name() + "-" + label + "-"
                + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now()));
        Files.createDirectories(dir);
        try (TargetProcess process = scenario.target().command() == null ? null : new TargetProcess(scenario.target().command(), defines,
                URI.create(scenario.target().url().replaceAll("/+$", "") + scenario.target().health()), dir.resolve("target.log"), http)) {
            if (process != null) {
                System.err.printf("lab: starting the target: %s (log: %s)%n", scenario.target().command(), dir.resolve("target.log"));
                process.start();
            }
            return run(scenario, http, dir, process);
        }
    }

    private int run(Scenario scenario, HttpClient http, Path dir, TargetProcess process) throws Exception {
        reachable(http, scenario.target().url());

        HttpWorkload.TenantData tenants = null;
        if (scenario.setup().kind().equals("headroom")) {
            System.err.printf("lab: setting up %d tenants with %d products each on %s%n", scenario.tenantsToCreate(),
                    scenario.setup().products(), scenario.target().url());
            tenants = HeadroomSetup.create(http, scenario, operatorKey());
        }
        Recorder recorder = new Recorder();
        Progress progress = new Progress(recorder, scenario);
        Transport transport = new Transport(scenario.limits().maxConnections(), scenario.limits().maxInFlight());
        Generator generator = new Generator(scenario, new HttpWorkload(scenario, tenants, seed), transport, recorder, seed, progress);
        PrometheusScraper scraper = scenario.target().metrics() == null ? null
                : new PrometheusScraper(http, URI.create(scenario.target().url().replaceAll("/+$", "") + scenario.target().metrics()));
        FaultTimeline faults = new FaultTimeline(http, scenario.target().providers(), scenario.faults(), process, defines, dir);
        String startedAt = Instant.now().toString();
        System.err.printf("lab: running %s (%s) for %.0f s%n", scenario.name(), label, scenario.seconds());
        long start = System.nanoTime();
        Thread scraping = scraper == null ? null : scraper.start(start);
        Thread faulting = faults.start(start, () -> {
            Double after = scenario.limits().endAfterFaults();
            if (after != null) {
                double cleared = (System.nanoTime() - start) / 1e9;
                double end = Math.ceil(cleared + after); // a whole second, so that the last window is a whole one
                if (end < scenario.seconds()) {
                    System.err.printf("%nlab: the last fault cleared at %.1f s; the run ends at %.0f s (limits.endAfterFaults: %.0f s)%n",
                            cleared, end, after);
                }
                generator.stopBy(start + (long) (end * 1e9));
            }
        });
        Generator.Summary summary;
        try {
            summary = generator.run();
        } finally {
            transport.close();
            faulting.interrupt();
            faulting.join(10_000);
            if (scraping != null) {
                scraping.interrupt();
            }
        }
        progress.done();
        Results results = new Analysis(scenario, recorder, summary.seconds()).analyse(label, startedAt, summary,
                scraper == null ? Map.of() : scraper.bySecond(), scraper == null ? 0 : scraper.failures(),
                scraper == null ? null : scraper.lastFailure(), faults.applied(), Results.Machine.current());
        JSON.writeValue(dir.resolve("results.json").toFile(), results);
        HtmlReport.write(results, dir.resolve("report.html"), JSON);
        print(results, dir);
        return results.passed() ? 0 : 1;
    }

    private void requireLocal(String url, String option) {
        String host = URI.create(url).getHost();
        if (host == null) {
            throw new IllegalArgumentException(option + " " + url + " is not a URL with a host");
        }
        boolean local;
        try {
            local = InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(option + " " + url + ": unknown host " + host);
        }
        if (!local && !allowRemote) {
            throw new IllegalArgumentException(option + " " + url + " is not on this machine; the lab drives loopback targets only unless --allow-remote");
        }
    }

    private static void reachable(HttpClient http, String url) throws InterruptedException {
        try {
            http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).GET().build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            throw new IllegalStateException("the target " + url + " does not answer (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "); start it first, e.g. ./headroom up");
        }
    }

    private String operatorKey() throws IOException {
        if (operatorKey != null) {
            return operatorKey;
        }
        String env = System.getenv("HEADROOM_OPERATOR_KEY");
        if (env != null && !env.isBlank()) {
            return env;
        }
        String home = System.getenv().getOrDefault("HEADROOM_HOME", ".headroom");
        Path file = Path.of(home, "operator-key");
        return Files.exists(file) ? Files.readString(file).trim() : null;
    }

    private static void print(Results r, Path dir) {
        System.out.printf("lab: %s (%s): %s%n", r.scenario(), r.label(), r.passed() ? "PASS" : "FAIL");
        for (Results.PhaseSummary p : r.phases()) {
            System.out.printf("  phase %-12s offered %7.1f/s  sent %7.1f/s  goodput %7.1f/s  shed %6.1f/s  errors %6.1f/s  p99 %s ms%n",
                    p.name(), p.offeredPerSecond(), p.achievedPerSecond(), p.goodputPerSecond(), p.shedPerSecond(), p.errorsPerSecond(), p.p99() == null ? "–" : "%.1f".formatted(p.p99()));
        }
        if (r.capacity().maxThroughput() != null) {
            System.out.printf("  capacity: ceiling %.0f/s (USL, R² %.3f)%s%n", r.capacity().maxThroughput(), r.capacity().rSquared(),
                    r.capacity().at10x() == null ? "" : "; " + r.capacity().at10x().text());
        }
        if (r.breaksFirst() != null) {
            System.out.printf("  breaks first: %s at %d s (%s)%n", r.breaksFirst().signal(), r.breaksFirst().atSecond(), r.breaksFirst().phase());
        }
        for (Results.Verdict v : r.verdicts()) {
            System.out.printf("  %s %s/%s: %s%n", v.passed() ? "pass" : "FAIL", v.slo(), v.check(), v.detail());
        }
        System.out.printf("  results: %s%n  report:  %s%n", dir.resolve("results.json"), dir.resolve("report.html"));
    }

    /** The live line: rate, latency and errors of the last full second. */
    static final class Progress implements Generator.Progress {
        private final Recorder recorder;
        private final Scenario scenario;
        private final boolean tty = System.console() != null;

        Progress(Recorder recorder, Scenario scenario) {
            this.recorder = recorder;
            this.scenario = scenario;
        }

        @Override
        public void phaseStarted(int index, Scenario.Phase phase, double capacity) {
            String cap = Double.isNaN(capacity) ? "" : " (capacity measured: %.0f/s)".formatted(capacity);
            System.err.printf("%slab: phase %d/%d %s (%s, %.0f s)%s%n", tty ? "\r\033[K" : "", index + 1, scenario.phases().size(),
                    phase.name(), phase.type(), phase.seconds(), cap);
        }

        @Override
        public void second(double elapsed, Scenario.Phase phase, int window, int inFlight) {
            if (!tty && ((int) elapsed) % 5 != 0) {
                return;
            }
            long offered = 0, ok = 0, bad = 0, shed = 0;
            org.HdrHistogram.Histogram h = new org.HdrHistogram.Histogram(3);
            for (Recorder.Cell c : recorder.window(window).values()) {
                offered += c.dispatched();
                ok += c.count(Outcome.OK);
                shed += c.count(Outcome.SHED);
                bad += c.count(Outcome.SERVER_ERROR) + c.count(Outcome.CLIENT_ERROR) + c.count(Outcome.TIMEOUT) + c.count(Outcome.IO_ERROR)
                        + c.count(Outcome.DROPPED);
                h.add(c.latency());
            }
            String line = "[%4.0f/%.0f s] %-10s offered %6d/s  ok %6d/s  shed %5d/s  errors %5d/s  p99 %7.1f ms  in flight %d".formatted(
                    elapsed, scenario.seconds(), phase == null ? "-" : phase.name(), offered, ok, shed, bad,
                    h.getTotalCount() == 0 ? 0.0 : h.getValueAtPercentile(99) / 1000.0, inFlight);
            System.err.print(tty ? "\r\033[K" + line : line + "\n");
        }

        void done() {
            if (tty) {
                System.err.println();
            }
        }
    }
}
