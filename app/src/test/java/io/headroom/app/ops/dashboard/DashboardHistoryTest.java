package io.headroom.app.ops.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.testing.MutableClock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The dashboard's samples: counter increases per second over the interval, on an injected clock. */
class DashboardHistoryTest {

    private final MutableClock clock = new MutableClock();
    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final LatencyWindow latency = new LatencyWindow();
    private final DashboardHistory history = new DashboardHistory(registry, latency, clock, Duration.ofSeconds(5), Duration.ofSeconds(20), 503);

    private void requests(String uri, String status, int n) {
        Timer t = Timer.builder("http.server.requests").tag("uri", uri).tag("status", status).register(registry);
        for (int i = 0; i < n; i++) {
            t.record(1, TimeUnit.MILLISECONDS);
        }
    }

    private void rejected(String reason, int n) {
        registry.counter("headroom.admission.rejected", "class", "DEFAULT", "reason", reason, "tenant", "t1").increment(n);
    }

    @Test
    void ratesAreTheIncreaseOverTheIntervalAndAdmissionsOwn503sAreShedNotErrors() {
        requests("/v1/products", "200", 40);
        requests("/v1/orders", "503", 10);
        requests("/ops/dashboard", "200", 500);
        rejected("overloaded", 6);
        rejected("tenant_quota", 4);
        registry.counter("headroom.admission.admitted", "class", "CRITICAL", "tenant", "t1").increment(25);
        registry.counter("headroom.admission.admitted", "class", "DEFAULT", "tenant", "t2").increment(15);
        for (int i = 1; i <= 100; i++) {
            latency.record(TimeUnit.MILLISECONDS.toNanos(i));
        }
        clock.advance(Duration.ofSeconds(5));
        history.sample();

        DashboardHistory.Sample s = history.since(Duration.ofMinutes(1)).getLast();
        assertThat(s.requestsPerSecond()).as("50 API requests in 5 s; /ops is not traffic").isEqualTo(10.0);
        assertThat(s.errorsPerSecond()).as("10 503s of which 6 were admission shedding").isEqualTo(0.8);
        assertThat(s.shedPerSecond()).isEqualTo(2.0);
        assertThat(s.admittedPerSecond()).containsEntry("CRITICAL", 5.0).containsEntry("DEFAULT", 3.0);
        assertThat(s.tenants().get("t1")).isEqualTo(new DashboardHistory.TenantCounts(25, 10));
        assertThat(s.p50Millis()).isBetween(49.9, 50.1);
        assertThat(s.p99Millis()).isBetween(98.9, 99.1);
        assertThat(s.limit()).as("no limiter registered").isNull();

        requests("/v1/products", "200", 20);
        clock.advance(Duration.ofSeconds(10));
        history.sample();
        DashboardHistory.Sample next = history.since(Duration.ofMinutes(1)).getLast();
        assertThat(next.requestsPerSecond()).as("only the increase counts").isEqualTo(2.0);
        assertThat(next.shedPerSecond()).isZero();
        assertThat(next.p50Millis()).as("no request in this interval").isNull();
    }

    @Test
    void withOverloadRefusedAs429EveryServerErrorIsAnError() {
        DashboardHistory with429 = new DashboardHistory(registry, latency, clock, Duration.ofSeconds(5), Duration.ofSeconds(20), 429);
        requests("/v1/orders", "503", 10);
        requests("/v1/orders", "429", 6);
        rejected("overloaded", 6);
        clock.advance(Duration.ofSeconds(5));
        with429.sample();

        DashboardHistory.Sample s = with429.since(Duration.ofMinutes(1)).getLast();
        assertThat(s.errorsPerSecond()).as("the 6 refusals were 429s, so all 10 503s are errors").isEqualTo(2.0);
        assertThat(s.shedPerSecond()).isEqualTo(1.2);
    }

    @Test
    void gaugesAreReadAsTheyAreAndTheHistoryIsBounded() {
        AtomicLong limit = new AtomicLong(20);
        registry.gauge("headroom.admission.limit", limit);
        registry.gauge("headroom.jobs.depth", io.micrometer.core.instrument.Tags.of("queue", "payments", "tenant", "a", "state", "ready"), new AtomicLong(3));
        registry.gauge("headroom.jobs.depth", io.micrometer.core.instrument.Tags.of("queue", "payments", "tenant", "b", "state", "running"), new AtomicLong(4));
        registry.gauge("headroom.calls.breaker.state", io.micrometer.core.instrument.Tags.of("dependency", "payments"), new AtomicLong(1));
        for (int i = 0; i < 6; i++) {
            clock.advance(Duration.ofSeconds(5));
            history.sample();
        }
        var kept = history.since(Duration.ofHours(1));
        assertThat(kept).as("20 s of history at 5 s").hasSize(4);
        assertThat(kept.getLast().limit()).isEqualTo(20.0);
        assertThat(kept.getLast().queueDepth()).containsEntry("payments", 7.0);
        assertThat(kept.getLast().breakerState()).containsEntry("payments", 1.0);
        assertThat(history.since(Duration.ofSeconds(6))).hasSize(2);
    }

    @Test
    void anIntervalLongerThanTheHistoryIsRefused() {
        assertThatThrownBy(() -> new DashboardHistory(registry, latency, clock, Duration.ofMinutes(2), Duration.ofMinutes(1), 429))
                .hasMessageContaining("headroom.dashboard.sample-interval");
    }
}
