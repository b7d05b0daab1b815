package io.headroom.app.ops.slo;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * The SLOs declared in {@code headroom.slo.objectives} (per admission class: availability = no 5xx, latency = at
 * most {@code threshold}), fed by every API request, with their burn rates and alerts as gauges
 * ({@code headroom.slo.burn.rate{slo,window}}, {@code headroom.slo.budget.remaining{slo}},
 * {@code headroom.slo.alert{slo,severity}}) and at {@code GET /ops/slos}. The same alerts, computed by Prometheus
 * from the HTTP histograms, are in deploy/prometheus/.
 */
@Component
@EnableConfigurationProperties(Slos.Settings.class)
public class Slos {

    /** One objective: requests of {@code priority} are good if not 5xx (availability) or not slower than threshold. */
    public record Objective(String name, String priority, String kind, double target, Duration threshold) {
    }

    @ConfigurationProperties("headroom.slo")
    public record Settings(Duration window, List<Objective> objectives) {

        public Settings {
            window = window == null ? Duration.ofDays(28) : window;
            objectives = objectives == null ? List.of(
                    new Objective("checkout-availability", "CRITICAL", "availability", 0.999, null),
                    new Objective("checkout-latency", "CRITICAL", "latency", 0.99, Duration.ofMillis(300)),
                    new Objective("reads-availability", "DEFAULT", "availability", 0.995, null),
                    new Objective("reads-latency", "DEFAULT", "latency", 0.99, Duration.ofMillis(500))) : objectives;
            for (Objective o : objectives) {
                if (!o.kind().equals("availability") && !(o.kind().equals("latency") && o.threshold() != null)) {
                    throw new IllegalArgumentException("headroom.slo.objectives: " + o.name()
                            + " must be kind 'availability', or 'latency' with a threshold");
                }
            }
        }
    }

    private record Tracked(Objective objective, SloTracker tracker) {
    }

    private final List<Tracked> tracked = new ArrayList<>();

    Slos(Settings settings, Clock clock, MeterRegistry registry) {
        for (Objective o : settings.objectives()) {
            SloTracker t = new SloTracker(o.name(), o.target(), settings.window(), clock);
            tracked.add(new Tracked(o, t));
            Gauge.builder("headroom.slo.burn.rate", t, x -> x.status().burn5m()).tag("slo", o.name()).tag("window", "5m").register(registry);
            Gauge.builder("headroom.slo.burn.rate", t, x -> x.status().burn30m()).tag("slo", o.name()).tag("window", "30m").register(registry);
            Gauge.builder("headroom.slo.burn.rate", t, x -> x.status().burn1h()).tag("slo", o.name()).tag("window", "1h").register(registry);
            Gauge.builder("headroom.slo.burn.rate", t, x -> x.status().burn6h()).tag("slo", o.name()).tag("window", "6h").register(registry);
            Gauge.builder("headroom.slo.budget.remaining", t, x -> x.status().budgetRemaining()).tag("slo", o.name()).register(registry);
            Gauge.builder("headroom.slo.alert", t, x -> x.status().page() ? 1 : 0).tag("slo", o.name()).tag("severity", "page").register(registry);
            Gauge.builder("headroom.slo.alert", t, x -> x.status().ticket() ? 1 : 0).tag("slo", o.name()).tag("severity", "ticket").register(registry);
        }
    }

    /** One finished API request. */
    public void record(String priority, int status, long millis) {
        for (Tracked t : tracked) {
            if (t.objective().priority().equals(priority)) {
                boolean good = t.objective().kind().equals("availability")
                        ? status < 500
                        : millis <= t.objective().threshold().toMillis();
                t.tracker().record(good);
            }
        }
    }

    public List<SloTracker.Status> statuses() {
        return tracked.stream().map(t -> t.tracker().status()).toList();
    }
}
