package io.headroom.app.ops.admission;

import io.headroom.admission.Priority;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code headroom.admission.*}: inbound overload control (see headroom-admission's README). */
@ConfigurationProperties("headroom.admission")
public class AdmissionProperties {

    private boolean enabled = true;
    /** Route patterns per class, as {@code METHOD /path/pattern}; the first match wins; unmatched: DEFAULT. */
    private Map<Priority, List<String>> routes = new LinkedHashMap<>(Map.of(
            Priority.CRITICAL, List.of("POST /v1/orders"),
            Priority.SHEDDABLE, List.of("POST /v1/reports", "* /admin/**")));
    /** The deadline a request gets when it sends no Request-Timeout. */
    private Map<Priority, Duration> deadlines = new LinkedHashMap<>(Map.of(
            Priority.CRITICAL, Duration.ofSeconds(2), Priority.DEFAULT, Duration.ofSeconds(1), Priority.SHEDDABLE, Duration.ofSeconds(5)));
    /** The longest Request-Timeout a client may ask for. */
    private Duration maxDeadline = Duration.ofSeconds(30);
    private int initialLimit = 20;
    /**
     * The adaptive limit's floor: the request pool's connections (half of {@code headroom.database.connection-budget},
     * 20). Below it the limit turns away work the pool would serve: with a floor of 4, stalls of this shared machine cut
     * the limit to 4, and the noisy-neighbour proof shed 5-12% of the six quiet tenants' requests (150/s, CPU at 60%).
     */
    private int minLimit = 10;
    private int maxLimit = 200;
    private Map<Priority, Double> shares = new LinkedHashMap<>(Map.of(Priority.CRITICAL, 0.7, Priority.DEFAULT, 0.2, Priority.SHEDDABLE, 0.1));
    private Map<Priority, Integer> queueSizes = new LinkedHashMap<>(Map.of(Priority.CRITICAL, 100, Priority.DEFAULT, 50, Priority.SHEDDABLE, 20));
    /**
     * How long a request may wait for a place, per class, while its queue is not standing (never past its deadline).
     * CRITICAL waits longest, half its default deadline: see {@code Admission.Settings}.
     */
    private Map<Priority, Duration> maxWait = new LinkedHashMap<>(Map.of(
            Priority.CRITICAL, Duration.ofSeconds(1), Priority.DEFAULT, Duration.ofMillis(200), Priority.SHEDDABLE, Duration.ofMillis(200)));
    /**
     * The status of a request refused for the system's state (overloaded, or its deadline passed while it waited): 429 by
     * default, as Netflix's concurrency-limits servlet filter does, or 503. Tomcat closes the connection after every 503
     * ({@code Http11Processor.statusDropsConnection}), so at 5x overload each refusal costs the client a new connection and
     * the server an accept; measured here, that overflowed the listen queue and cut goodput (README, "Refused requests
     * cost a connection each"). A tenant's own limit is always 429.
     */
    private int overloadStatus = 429;
    /**
     * How long a class's queue may stand (never empty) before new waiters get only 5 ms, served newest first (CoDel).
     * 500 ms, not CoDel's usual 100 ms: this shared machine stalls for 300-500 ms now and then, and with 100 ms the
     * queue that built in a stall was shed after it (the noisy-neighbour proof lost up to 2.6% of the six quiet
     * tenants' requests that way; with 500 ms, 0-0.3% in three runs). Sustained overload still trips it.
     */
    private Duration codelInterval = Duration.ofMillis(500);
    private double tenantMaxShare = 0.5;
    /** How many tenants get their own label in the admission metrics: the busiest of the last window; the rest are "other". */
    private int metricTenants = 20;
    /** How often the busiest tenants are ranked again for their metric labels. */
    private Duration metricTenantsWindow = Duration.ofMinutes(1);
    /** Requests per second and burst per plan. */
    private Map<String, Rate> plans = new LinkedHashMap<>(Map.of(
            "free", new Rate(5, 10), "standard", new Rate(50, 100), "premium", new Rate(200, 400)));

    public record Rate(long perSecond, long burst) {
    }

    public boolean isEnabled() { return enabled; }
    public void setEnabled(boolean value) { this.enabled = value; }
    public Map<Priority, List<String>> getRoutes() { return routes; }
    public void setRoutes(Map<Priority, List<String>> value) { this.routes = value; }
    public Map<Priority, Duration> getDeadlines() { return deadlines; }
    public void setDeadlines(Map<Priority, Duration> value) { this.deadlines = value; }
    public Duration getMaxDeadline() { return maxDeadline; }
    public void setMaxDeadline(Duration value) { this.maxDeadline = value; }
    public int getInitialLimit() { return initialLimit; }
    public void setInitialLimit(int value) { this.initialLimit = value; }
    public int getMinLimit() { return minLimit; }
    public void setMinLimit(int value) { this.minLimit = value; }
    public int getMaxLimit() { return maxLimit; }
    public void setMaxLimit(int value) { this.maxLimit = value; }
    public Map<Priority, Double> getShares() { return shares; }
    public void setShares(Map<Priority, Double> value) { this.shares = value; }
    public Map<Priority, Integer> getQueueSizes() { return queueSizes; }
    public void setQueueSizes(Map<Priority, Integer> value) { this.queueSizes = value; }
    public Map<Priority, Duration> getMaxWait() { return maxWait; }
    public void setMaxWait(Map<Priority, Duration> value) { this.maxWait = value; }
    public int getOverloadStatus() { return overloadStatus; }
    public void setOverloadStatus(int value) {
        if (value != 429 && value != 503) {
            throw new IllegalArgumentException("headroom.admission.overload-status must be 429 or 503, got " + value);
        }
        this.overloadStatus = value;
    }
    public Duration getCodelInterval() { return codelInterval; }
    public void setCodelInterval(Duration value) { this.codelInterval = value; }
    public int getMetricTenants() { return metricTenants; }
    public void setMetricTenants(int value) { this.metricTenants = value; }
    public Duration getMetricTenantsWindow() { return metricTenantsWindow; }
    public void setMetricTenantsWindow(Duration value) { this.metricTenantsWindow = value; }
    public double getTenantMaxShare() { return tenantMaxShare; }
    public void setTenantMaxShare(double value) { this.tenantMaxShare = value; }
    public Map<String, Rate> getPlans() { return plans; }
    public void setPlans(Map<String, Rate> value) { this.plans = value; }
}
