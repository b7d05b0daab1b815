package io.headroom.app.ops.dashboard;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The operator dashboard's memory: one {@link Sample} of the golden signals and saturation every
 * {@code headroom.dashboard.sample-interval} (5 s), the last {@code headroom.dashboard.history} (1 h) kept.
 * It reads the same meters {@code /actuator/prometheus} shows, so the page and a Prometheus/Grafana setup agree;
 * rates are the counters' increase over the interval, measured on the injected {@link Clock}. Thread-safe.
 */
@Component
public class DashboardHistory {

    /**
     * The reasons for which admission answers with {@code headroom.admission.overload-status}: when that is 503, these
     * 503s were turned away before any work, which is shedding, not an error.
     */
    private static final Set<String> OVERLOAD_REASONS = Set.of("overloaded", "deadline");

    /** One interval. Rates per second; {@code null} where the signal does not exist (naive mode has no limit). */
    public record Sample(Instant at, double requestsPerSecond, double errorsPerSecond, double shedPerSecond,
                         Double p50Millis, Double p95Millis, Double p99Millis, Double limit, Double inFlight,
                         Map<String, Double> admittedPerSecond, Map<String, Double> shedPerSecondByClass,
                         Map<String, Double> queueDepth, Map<String, Double> queueOldestAgeSeconds,
                         Map<String, Double> deadLetters, Map<String, Double> breakerState,
                         Map<String, Double> poolPending, Map<String, TenantCounts> tenants) {
    }

    /** A tenant label's admitted and rejected requests in one interval. */
    public record TenantCounts(long admitted, long rejected) {
        TenantCounts plus(TenantCounts o) {
            return new TenantCounts(admitted + o.admitted, rejected + o.rejected);
        }
    }

    private final MeterRegistry registry;
    private final LatencyWindow latency;
    private final Clock clock;
    private final Duration interval;
    private final int capacity;
    /** Whether admission refuses for overload with 503 (then those 503s are not errors) rather than 429. */
    private final boolean overloadShedIs503;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();
    /** The counters' values at the previous sample, by meter id. */
    private final Map<Meter.Id, Double> previous = new HashMap<>();
    private Instant previousAt;

    DashboardHistory(MeterRegistry registry, LatencyWindow latency, Clock clock,
                     @Value("${headroom.dashboard.sample-interval:5s}") Duration interval,
                     @Value("${headroom.dashboard.history:1h}") Duration history,
                     @Value("${headroom.admission.overload-status:429}") int overloadStatus) {
        if (interval.isZero() || interval.isNegative() || history.compareTo(interval) < 0) {
            throw new IllegalArgumentException("headroom.dashboard.sample-interval must be positive and at most "
                    + "headroom.dashboard.history, got " + interval + " and " + history);
        }
        this.registry = registry;
        this.overloadShedIs503 = overloadStatus == 503;
        this.latency = latency;
        this.clock = clock;
        this.interval = interval;
        this.capacity = (int) Math.min(100_000, history.toMillis() / interval.toMillis());
        this.previousAt = clock.instant();
    }

    public Duration interval() {
        return interval;
    }

    @Scheduled(fixedDelayString = "${headroom.dashboard.sample-interval:5s}", initialDelayString = "${headroom.dashboard.sample-interval:5s}")
    public synchronized void sample() {
        Instant now = clock.instant();
        double seconds = Math.max(0.001, Duration.between(previousAt, now).toNanos() / 1e9);
        previousAt = now;

        double requests = 0;
        double serverErrors = 0;
        for (Timer t : registry.find("http.server.requests").timers()) {
            String uri = t.getId().getTag("uri");
            if (uri == null || !(uri.startsWith("/v1") || uri.startsWith("/admin"))) {
                continue;
            }
            double d = increase(t.getId(), t.count());
            requests += d;
            String status = t.getId().getTag("status");
            if (status != null && status.startsWith("5")) {
                serverErrors += d;
            }
        }
        Map<String, Double> admitted = new TreeMap<>();
        Map<String, Double> shedByClass = new TreeMap<>();
        Map<String, TenantCounts> tenants = new TreeMap<>();
        double shed = 0;
        double shed503 = 0;
        for (Counter c : registry.find("headroom.admission.admitted").counters()) {
            double d = increase(c.getId(), c.count());
            admitted.merge(c.getId().getTag("class"), d / seconds, Double::sum);
            tenants.merge(c.getId().getTag("tenant"), new TenantCounts(Math.round(d), 0), TenantCounts::plus);
        }
        for (Counter c : registry.find("headroom.admission.rejected").counters()) {
            double d = increase(c.getId(), c.count());
            shed += d;
            if (overloadShedIs503 && OVERLOAD_REASONS.contains(c.getId().getTag("reason"))) {
                shed503 += d;
            }
            shedByClass.merge(c.getId().getTag("class"), d / seconds, Double::sum);
            tenants.merge(c.getId().getTag("tenant"), new TenantCounts(0, Math.round(d)), TenantCounts::plus);
        }
        Histogram h = latency.takeInterval();
        boolean any = h.getTotalCount() > 0;
        Map<String, Double> depth = sumGauges("headroom.jobs.depth", "queue");
        Map<String, Double> age = maxGauges("headroom.jobs.oldest.ready.age", "queue");
        Map<String, Double> dead = sumGauges("headroom.jobs.dead.letters", "queue");
        Sample s = new Sample(now, requests / seconds, Math.max(0, serverErrors - shed503) / seconds, shed / seconds,
                any ? h.getValueAtPercentile(50) / 1000.0 : null, any ? h.getValueAtPercentile(95) / 1000.0 : null,
                any ? h.getValueAtPercentile(99) / 1000.0 : null,
                gauge("headroom.admission.limit"), gauge("headroom.admission.in.flight"),
                admitted, shedByClass, depth, age, dead,
                maxGauges("headroom.calls.breaker.state", "dependency"), sumGauges("hikaricp.connections.pending", "pool"), tenants);
        if (samples.size() >= capacity) {
            samples.removeFirst();
        }
        samples.addLast(s);
    }

    /** The samples of the last {@code within}, oldest first. */
    public synchronized List<Sample> since(Duration within) {
        Instant from = clock.instant().minus(within);
        return samples.stream().filter(s -> !s.at().isBefore(from)).toList();
    }

    private double increase(Meter.Id id, double value) {
        Double before = previous.put(id, value);
        // A counter seen for the first time started at zero during this interval (meters are registered lazily).
        return Math.max(0, value - (before == null ? 0 : before));
    }

    private Double gauge(String name) {
        Gauge g = registry.find(name).gauge();
        return g == null || Double.isNaN(g.value()) ? null : g.value();
    }

    private Map<String, Double> sumGauges(String name, String by) {
        return gauges(name, by, Double::sum);
    }

    private Map<String, Double> maxGauges(String name, String by) {
        return gauges(name, by, Math::max);
    }

    /** The gauges named {@code name}, by the value of their tag {@code by}, several combined with {@code merge}. */
    private Map<String, Double> gauges(String name, String by, java.util.function.BinaryOperator<Double> merge) {
        Map<String, Double> out = new TreeMap<>();
        for (Gauge g : registry.find(name).gauges()) {
            if (!Double.isNaN(g.value()) && g.getId().getTag(by) != null) {
                out.merge(g.getId().getTag(by), g.value(), merge);
            }
        }
        return out;
    }
}
