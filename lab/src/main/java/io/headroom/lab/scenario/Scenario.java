package io.headroom.lab.scenario;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * A lab scenario as written in YAML (see {@code lab/scenarios/README.md}): what to drive, with which workload, in
 * which phases, with which faults, judged by which SLOs. Immutable; {@link #load} validates it and names the
 * first field that is wrong.
 */
public record Scenario(String name, String description, Target target, Limits limits, Setup setup, Tenants tenants,
                       List<Operation> operations, List<Phase> phases, List<Fault> faults, List<Slo> slos) {

    /**
     * The service under test; {@code metrics} is the Prometheus path scraped every second (none: no scraping). With
     * {@code command} the lab starts the target itself (waiting for {@code health}, default
     * {@code /actuator/health}, to answer 200), may kill it in a {@code kill} fault, and stops it at the end;
     * {@code ${java}} in the command is the java running the lab.
     */
    public record Target(String url, String providers, String metrics, List<String> command, String health) {
    }

    /**
     * Hard bounds of a run: it stops by itself at whichever comes first. {@code maxInFlight} requests open at most
     * (more are dropped and counted), of which {@code maxConnections} on the wire (the rest wait their turn). With
     * {@code endAfterFaults} (seconds, optional) the run also ends that long after its last fault cleared, if its phases
     * have not ended by then: a run whose faults take as long as the machine makes them (a kill waits for the restart
     * before it, which may be slow) can be given phases long enough for the slowest machine without running them out
     * on a fast one.
     */
    public record Limits(double maxSeconds, long maxRequests, int maxInFlight, int maxConnections, Double endAfterFaults) {
    }

    /**
     * What to create before the run: {@code kind: headroom} creates tenants (operator key) with {@code products}
     * products each; {@code none} drives the target as it is.
     */
    public record Setup(String kind, int products, int stock, String plan) {
    }

    /** How many tenants share the traffic, and how unevenly (Zipf exponent; 0 = uniform). */
    public record Tenants(int count, double zipf) {
    }

    /**
     * One kind of request of the mix. {@code path}, {@code body} and header values may use {@code ${product}},
     * {@code ${uuid}}, {@code ${n}}, {@code ${today}} and {@code ${daysAgo7}}; with {@code setup: headroom} each
     * request carries its tenant's key. {@code timeoutMs} is the client's deadline: a success later than it is not
     * goodput.
     */
    public record Operation(String name, double weight, String method, String path, String body, Map<String, String> headers,
                            long timeoutMs, boolean idempotencyKey) {
    }

    /**
     * One phase of the run. {@code type}: {@code steady} and {@code soak} (constant {@code rate}), {@code steps}
     * ({@code steps} rates of {@code stepSeconds} each, for capacity), {@code ramp} ({@code from} to {@code to}),
     * {@code spike} ({@code rate} with {@code spikeRate} from {@code spikeAt} for {@code spikeSeconds}), {@code growth}
     * ({@code rate} compounding {@code growthPercent} every {@code periodSeconds}, and so the active tenants and the
     * seeded data). {@code capacityFactor} instead of {@code rate} means that many times the capacity measured by the
     * last steps phase. {@code extra} adds fixed-rate streams (a noisy tenant, a report flood) to the mix.
     */
    public record Phase(String name, String type, double seconds, Double rate, List<Double> steps, Double stepSeconds, Double from,
                        Double to, Double capacityFactor, Double spikeRate, Double spikeAt, Double spikeSeconds, Double growthPercent,
                        Double periodSeconds, String arrivals, List<Stream> extra) {

        public boolean poisson() {
            return "poisson".equals(arrivals);
        }
    }

    /**
     * A fixed-rate stream of one operation, recorded under its own {@code label}; {@code tenant}: one tenant's index
     * (from {@code tenants.count} on, a tenant of its own that the mix never uses).
     */
    public record Stream(String label, String operation, Double rate, Double capacityFactor, Integer tenant) {
    }

    /**
     * A fault from {@code at} s for {@code seconds}. {@code kind: provider} (the default): {@code set} is PUT to the
     * providers' {@code /faults/{provider}}. {@code kind: kill}: the target process the lab started is killed with
     * SIGKILL and started again after {@code seconds}. {@code kind: command}: {@code run} is run at {@code at} and
     * {@code undo} after {@code seconds} (e.g. stop and start the target's database), each to its end; {@code ${NAME}}
     * in them comes from the run's defines.
     */
    public record Fault(String name, String kind, double at, double seconds, String provider, Map<String, Object> set, List<String> run,
                        List<String> undo) {

        public boolean kill() {
            return "kill".equals(kind);
        }

        public boolean command() {
            return "command".equals(kind);
        }

        /** Set and cleared through the provider simulators' fault API. */
        public boolean viaProviders() {
            return "provider".equals(kind);
        }
    }

    /**
     * An objective judged per 1-second window over the given phases (all when empty): {@code availability} (share of
     * requests answered 2xx within their deadline, over the phases), {@code p99Ms} and {@code goodputRatio}
     * (goodput / min(offered, capacity)) per window, met in at least {@code attainment} of the windows (default 0.9);
     * {@code recoverySeconds}: after every fault, goodput is back to 90% of its level before the fault within that long.
     * {@code operation}: judge only that operation of the mix, or the extra stream with that label; without it, the mix.
     */
    public record Slo(String name, String operation, List<String> phases, Double availability, Double p99Ms, Double goodputRatio,
                      Double recoverySeconds, Double attainment) {

        public double attainmentOrDefault() {
            return attainment == null ? 0.9 : attainment;
        }
    }

    static final int MAX_TENANTS = 1000;

    static final Set<String> PHASE_TYPES = Set.of("steady", "soak", "steps", "ramp", "spike", "growth");

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // A field left out takes its default (see withDefaults), also for numbers.
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    /** Reads and validates a scenario file; a bad one is an {@link IllegalArgumentException} naming file and field. */
    public static Scenario load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read scenario " + file + ": " + e.getMessage());
        }
        return parse(file.toString(), text);
    }

    public static Scenario parse(String source, String yaml) {
        Scenario s;
        try {
            s = YAML.readValue(yaml, Scenario.class);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("scenario " + source + " is not valid: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        }
        if (s == null) {
            throw new IllegalArgumentException("scenario " + source + " is empty");
        }
        return s.withDefaults().validated(source);
    }

    private Scenario withDefaults() {
        Target t = target == null ? new Target(null, null, null, null, null) : target;
        t = new Target(t.url() == null ? "http://127.0.0.1:8080" : t.url(), t.providers() == null ? "http://127.0.0.1:8090" : t.providers(),
                t.metrics() == null ? "/actuator/prometheus" : t.metrics().equals("none") ? null : t.metrics(),
                t.command() == null || t.command().isEmpty() ? null : List.copyOf(t.command()), t.health() == null ? "/actuator/health" : t.health());
        Limits l = limits == null ? new Limits(0, 0, 0, 0, null) : limits;
        int inFlight = l.maxInFlight() == 0 ? 10_000 : l.maxInFlight();
        l = new Limits(l.maxSeconds() == 0 ? 600 : l.maxSeconds(), l.maxRequests() == 0 ? 2_000_000 : l.maxRequests(), inFlight,
                l.maxConnections() == 0 ? Math.min(256, inFlight) : l.maxConnections(), l.endAfterFaults());
        Setup st = setup == null ? new Setup("none", 0, 0, null) : new Setup(setup.kind() == null ? "none" : setup.kind(),
                setup.products() == 0 ? 20 : setup.products(), setup.stock() == 0 ? 1_000_000 : setup.stock(),
                setup.plan() == null ? "premium" : setup.plan());
        Tenants tn = tenants == null ? new Tenants(1, 0) : tenants;
        List<Operation> ops = new ArrayList<>();
        for (Operation o : operations == null ? List.<Operation>of() : operations) {
            ops.add(new Operation(o.name(), o.weight(), o.method() == null ? "GET" : o.method(), o.path(), o.body(),
                    o.headers() == null ? Map.of() : o.headers(), o.timeoutMs() == 0 ? 2000 : o.timeoutMs(), o.idempotencyKey()));
        }
        List<Phase> ps = new ArrayList<>();
        for (Phase p : phases == null ? List.<Phase>of() : phases) {
            double seconds = p.seconds();
            if ("steps".equals(p.type()) && seconds == 0 && p.steps() != null && p.stepSeconds() != null) {
                seconds = p.steps().size() * p.stepSeconds();
            }
            ps.add(new Phase(p.name() == null ? p.type() : p.name(), p.type(), seconds, p.rate(), p.steps(), p.stepSeconds(), p.from(),
                    p.to(), p.capacityFactor(), p.spikeRate(), p.spikeAt(), p.spikeSeconds(), p.growthPercent(), p.periodSeconds(),
                    p.arrivals() == null ? "constant" : p.arrivals(), p.extra() == null ? List.of() : p.extra()));
        }
        List<Fault> fs = new ArrayList<>();
        for (Fault f : faults == null ? List.<Fault>of() : faults) {
            fs.add(new Fault(f.name(), f.kind() == null ? "provider" : f.kind(), f.at(), f.seconds(), f.provider(), f.set(),
                    f.run() == null ? null : List.copyOf(f.run()), f.undo() == null ? null : List.copyOf(f.undo())));
        }
        return new Scenario(name == null ? "unnamed" : name, description, t, l, st, tn, List.copyOf(ops), List.copyOf(ps), List.copyOf(fs),
                slos == null ? List.of() : slos);
    }

    private Scenario validated(String source) {
        String at = "scenario " + source + ": ";
        require(limits.maxSeconds() > 0 && limits.maxSeconds() <= 6 * 3600, at + "limits.maxSeconds must be within (0, 21600]");
        require(limits.maxRequests() > 0, at + "limits.maxRequests must be positive");
        require(limits.maxInFlight() > 0, at + "limits.maxInFlight must be positive");
        require(limits.maxConnections() > 0 && limits.maxConnections() <= limits.maxInFlight(),
                at + "limits.maxConnections must be within 1..limits.maxInFlight");
        require(limits.endAfterFaults() == null || (limits.endAfterFaults() >= 0 && !faults.isEmpty()),
                at + "limits.endAfterFaults must be at least 0 seconds, and needs faults to end after");
        require(Set.of("none", "headroom").contains(setup.kind()), at + "setup.kind must be 'none' or 'headroom', got '" + setup.kind() + "'");
        require(tenants.count() >= 1 && tenants.count() <= MAX_TENANTS, at + "tenants.count must be within 1.." + MAX_TENANTS);
        require(tenants.zipf() >= 0 && tenants.zipf() <= 5, at + "tenants.zipf must be within 0..5");
        require(!operations.isEmpty(), at + "operations: at least one is needed");
        Set<String> names = new HashSet<>();
        for (int i = 0; i < operations.size(); i++) {
            Operation o = operations.get(i);
            String where = at + "operations[" + i + "]";
            require(o.name() != null && o.name().matches("[a-z][a-z0-9-]*"), where + ".name must be lower-case letters, digits and '-'");
            require(names.add(o.name()), where + ": the name '" + o.name() + "' is used twice");
            require(o.weight() >= 0, where + " (" + o.name() + ").weight must not be negative");
            require(o.path() != null && o.path().startsWith("/"), where + " (" + o.name() + ").path must start with '/'");
            require(Set.of("GET", "POST", "PUT", "DELETE", "PATCH").contains(o.method()), where + " (" + o.name() + ").method must be GET, POST, PUT, DELETE or PATCH");
            require(o.timeoutMs() > 0 && o.timeoutMs() <= 120_000, where + " (" + o.name() + ").timeoutMs must be within 1..120000");
        }
        require(operations.stream().mapToDouble(Operation::weight).sum() > 0, at + "operations: the weights must not all be 0");
        require(!phases.isEmpty(), at + "phases: at least one is needed");
        double total = 0;
        boolean stepsBefore = false;
        Set<String> phaseNames = new HashSet<>();
        for (int i = 0; i < phases.size(); i++) {
            Phase p = phases.get(i);
            String where = at + "phases[" + i + "] (" + p.name() + ")";
            require(p.type() != null && PHASE_TYPES.contains(p.type()), where + ".type must be one of " + new java.util.TreeSet<>(PHASE_TYPES));
            require(phaseNames.add(p.name()), where + ": the name is used twice");
            require(p.seconds() > 0, where + ".seconds must be positive");
            require(Set.of("constant", "poisson").contains(p.arrivals()), where + ".arrivals must be 'constant' or 'poisson'");
            require(p.capacityFactor() == null || stepsBefore, where + ".capacityFactor needs a steps phase before it to measure capacity");
            switch (p.type()) {
                case "steady", "soak" -> requireRate(p.rate(), p.capacityFactor(), where);
                case "steps" -> {
                    require(p.steps() != null && !p.steps().isEmpty() && p.steps().stream().allMatch(r -> r != null && r >= 0),
                            where + ".steps must list at least one rate >= 0");
                    require(p.stepSeconds() != null && p.stepSeconds() > 0, where + ".stepSeconds must be positive");
                }
                case "ramp" -> require(p.from() != null && p.to() != null && p.from() >= 0 && p.to() >= 0, where + ".from and .to (rates >= 0) are required");
                case "spike" -> {
                    requireRate(p.rate(), p.capacityFactor(), where);
                    require(p.spikeRate() != null && p.spikeRate() >= 0 && p.spikeAt() != null && p.spikeSeconds() != null
                            && p.spikeAt() >= 0 && p.spikeAt() + p.spikeSeconds() <= p.seconds(), where + ".spikeRate, .spikeAt and .spikeSeconds must fit in the phase");
                }
                case "growth" -> {
                    requireRate(p.rate(), null, where);
                    require(p.growthPercent() != null && p.growthPercent() > 0 && p.growthPercent() <= 1000, where + ".growthPercent must be within (0, 1000]");
                    require(p.periodSeconds() != null && p.periodSeconds() > 0, where + ".periodSeconds must be positive");
                }
                default -> throw new IllegalStateException(p.type());
            }
            for (int j = 0; j < p.extra().size(); j++) {
                Stream x = p.extra().get(j);
                String xw = where + ".extra[" + j + "]";
                require(x.label() != null && x.label().matches("[a-z][a-z0-9-]*"), xw + ".label must be lower-case letters, digits and '-'");
                require(!names.contains(x.label()), xw + ".label must differ from the operations' names");
                require(names.contains(x.operation()), xw + ".operation must name one of the operations, got '" + x.operation() + "'");
                requireRate(x.rate(), x.capacityFactor(), xw);
                require(x.capacityFactor() == null || stepsBefore, xw + ".capacityFactor needs a steps phase before it");
                require(x.tenant() == null || (x.tenant() >= 0 && x.tenant() < MAX_TENANTS), xw + ".tenant must be an index within 0.." + (MAX_TENANTS - 1)
                        + " (indexes from tenants.count on are tenants of their own that the mix does not use)");
            }
            stepsBefore |= p.type().equals("steps");
            total += p.seconds();
        }
        require(total <= limits.maxSeconds(), at + "the phases last " + total + " s, more than limits.maxSeconds " + limits.maxSeconds());
        for (int i = 0; i < faults.size(); i++) {
            Fault f = faults.get(i);
            String where = at + "faults[" + i + "] (" + f.name() + ")";
            require(f.name() != null && !f.name().isBlank(), where + ".name is required");
            require(Set.of("provider", "kill", "command").contains(f.kind()), where + ".kind must be 'provider', 'kill' or 'command'");
            require(f.at() >= 0 && f.seconds() > 0 && f.at() + f.seconds() <= total, where + ": at + seconds must fit within the phases (" + total + " s)");
            if (f.kill()) {
                require(target.command() != null, where + ": a kill fault needs target.command, so that the lab starts the target and can restart it");
            } else if (f.command()) {
                require(f.run() != null && !f.run().isEmpty(), where + ".run (the command that starts the fault) is required");
                require(f.undo() != null && !f.undo().isEmpty(), where + ".undo (the command that ends the fault) is required");
            } else {
                require(Set.of("payments", "email").contains(f.provider()), where + ".provider must be 'payments' or 'email'");
                require(f.set() != null && !f.set().isEmpty(), where + ".set (the fault to PUT) is required");
            }
        }
        Set<String> extraLabels = phases.stream().flatMap(p -> p.extra().stream()).map(Stream::label).collect(Collectors.toSet());
        for (int i = 0; i < slos.size(); i++) {
            Slo o = slos.get(i);
            String where = at + "slos[" + i + "] (" + o.name() + ")";
            require(o.name() != null && !o.name().isBlank(), where + ".name is required");
            require(o.operation() == null || names.contains(o.operation()) || extraLabels.contains(o.operation()),
                    where + ".operation must name one of the operations or an extra stream's label, got '" + o.operation() + "'");
            for (String ph : o.phases() == null ? List.<String>of() : o.phases()) {
                require(phaseNames.contains(ph), where + ".phases: no phase named '" + ph + "'");
            }
            require(o.availability() != null || o.p99Ms() != null || o.goodputRatio() != null || o.recoverySeconds() != null,
                    where + ": give at least one of availability, p99Ms, goodputRatio, recoverySeconds");
            require(o.availability() == null || (o.availability() > 0 && o.availability() <= 1), where + ".availability must be within (0, 1]");
            require(o.goodputRatio() == null || (o.goodputRatio() > 0 && o.goodputRatio() <= 1), where + ".goodputRatio must be within (0, 1]");
            require(o.attainmentOrDefault() > 0 && o.attainmentOrDefault() <= 1, where + ".attainment must be within (0, 1]");
        }
        return this;
    }

    private static void requireRate(Double rate, Double factor, String where) {
        require((rate == null) != (factor == null), where + ": give either rate or capacityFactor");
        require(rate == null || (rate >= 0 && rate <= 1_000_000), where + ".rate must be within 0..1000000 requests/s");
        require(factor == null || (factor > 0 && factor <= 100), where + ".capacityFactor must be within (0, 100]");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Tenants to create: the mix's, and any an extra stream names beyond them (a noisy tenant of its own). */
    public int tenantsToCreate() {
        int n = tenants.count();
        for (Phase p : phases) {
            for (Stream x : p.extra()) {
                if (x.tenant() != null) {
                    n = Math.max(n, x.tenant() + 1);
                }
            }
        }
        return n;
    }

    /** The phases' total length in seconds. */
    public double seconds() {
        return phases.stream().mapToDouble(Phase::seconds).sum();
    }

    public Operation operation(String name) {
        return operations.stream().filter(o -> o.name().equals(name)).findFirst().orElseThrow();
    }
}
