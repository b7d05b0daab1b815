package io.headroom.app.ops.admission;

import io.headroom.admission.Admission;
import io.headroom.admission.AdmissionEvents;
import io.headroom.admission.GradientLimit;
import io.headroom.admission.Priority;
import io.headroom.admission.Rejected;
import io.headroom.app.web.ProblemWriter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Admission control in the app: one {@link Admission} for the instance, its filter, and its metrics
 * ({@code headroom.admission.*}: limit, in flight, queued and wait per class, tenant quota buckets kept, admitted and
 * rejected per class and reason, and per tenant for the top {@code metric-tenants} by traffic, see {@link TopTenantLabels}). Off with {@code headroom.admission.enabled=false}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AdmissionProperties.class)
@ConditionalOnProperty(name = "headroom.admission.enabled", havingValue = "true", matchIfMissing = true)
class AdmissionConfiguration {

    @Bean
    Admission admission(AdmissionProperties p, Clock clock, MeterRegistry registry) {
        Map<String, Admission.Plan> plans = p.getPlans().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> new Admission.Plan(e.getValue().perSecond(), e.getValue().burst())));
        Admission.Settings settings = new Admission.Settings(p.getShares(), p.getQueueSizes(), p.getMaxWait(),
                p.getCodelInterval(), java.time.Duration.ofMillis(5), p.getTenantMaxShare(), plans);
        GradientLimit limit = new GradientLimit(p.getInitialLimit(), p.getMinLimit(), p.getMaxLimit(), 1.5, 0.2, 100, 10);
        Map<Priority, Timer> waits = new EnumMap<>(Priority.class);
        for (Priority c : Priority.values()) {
            waits.put(c, Timer.builder("headroom.admission.wait").tag("class", c.name()).register(registry));
        }
        TopTenantLabels tenants = new TopTenantLabels(p.getMetricTenants(), p.getMetricTenantsWindow(), clock);
        Admission admission = new Admission(limit, settings, clock, System::nanoTime, new AdmissionEvents() {
            @Override
            public void admitted(Priority priority, String tenant, long waitedNanos) {
                waits.get(priority).record(waitedNanos, TimeUnit.NANOSECONDS);
                registry.counter("headroom.admission.admitted", "class", priority.name(), "tenant", tenants.label(tenant)).increment();
            }

            @Override
            public void rejected(Priority priority, String tenant, Rejected.Reason reason) {
                registry.counter("headroom.admission.rejected", "class", priority.name(), "reason", reason.name().toLowerCase(Locale.ROOT),
                        "tenant", tenants.label(tenant)).increment();
            }
        });
        Gauge.builder("headroom.admission.limit", admission, Admission::limit).register(registry);
        Gauge.builder("headroom.admission.in.flight", admission, Admission::inflight).register(registry);
        Gauge.builder("headroom.admission.tenant.buckets", admission, Admission::trackedTenants)
                .description("tenants whose quota bucket is kept: those seen within its refill time").register(registry);
        for (Priority c : Priority.values()) {
            Gauge.builder("headroom.admission.queued", admission, a -> a.queued(c)).tag("class", c.name()).register(registry);
        }
        return admission;
    }

    @Bean
    AdmissionFilter admissionFilter(Admission admission, AdmissionProperties properties, ProblemWriter problems, Clock clock,
                                    org.springframework.beans.factory.ObjectProvider<io.micrometer.tracing.Tracer> tracer) {
        return new AdmissionFilter(admission, properties, problems, clock, tracer.getIfAvailable(() -> io.micrometer.tracing.Tracer.NOOP));
    }
}
