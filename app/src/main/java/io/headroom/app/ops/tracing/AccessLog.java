package io.headroom.app.ops.tracing;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import io.headroom.app.ops.admission.RequestClassTags;
import io.headroom.app.ops.dashboard.LatencyWindow;
import io.headroom.app.ops.slo.Slos;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerMapping;

/**
 * One structured log line per API request, with the fields an operator filters on: tenant, route (the templated
 * path), method, status and duration; trace and span ids come from the tracing context. With the JSON console
 * format (the default) they are fields of the event, not words in a message. Each request also counts towards
 * the SLOs of its admission class ({@link Slos}). Requests turned away by admission control (429/503) are
 * written at most {@code headroom.access-log.rejected-per-second} (10) a second, each such line saying how many
 * before it were not ({@link PerSecondSampler}).
 */
@Component
class AccessLog extends OncePerRequestFilter implements Ordered {

    private static final Logger log = LoggerFactory.getLogger("headroom.access");

    private final Slos slos;
    private final SlowRequests slow;
    private final LatencyWindow latency;
    private final io.micrometer.tracing.Tracer tracer;
    private final PerSecondSampler rejectedLines;

    AccessLog(Slos slos, SlowRequests slow, LatencyWindow latency, io.micrometer.tracing.Tracer tracer, Clock clock,
              @Value("${headroom.access-log.rejected-per-second:10}") int rejectedPerSecond) {
        this.slos = slos;
        this.slow = slow;
        this.latency = latency;
        this.tracer = tracer;
        this.rejectedLines = new PerSecondSampler(rejectedPerSecond, clock);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 6;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return !(path.startsWith("/v1/") || path.startsWith("/admin/") || path.startsWith("/ops/"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long start = System.nanoTime();
        RequestTimings timings = RequestTimings.start();
        io.micrometer.tracing.Span span = tracer.currentSpan();
        String traceId = span == null ? null : span.context().traceId();
        try {
            chain.doFilter(request, response);
        } finally {
            RequestTimings.finish();
            Object route = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
            Object tenant = request.getAttribute("headroom.tenant");
            String tenantId = tenant instanceof io.headroom.app.tenants.Tenants.Tenant t ? t.id().toString() : "-";
            long nanos = System.nanoTime() - start;
            long millis = nanos / 1_000_000;
            String routeText = route == null ? "unmatched" : route.toString();
            Object priority = request.getAttribute(RequestClassTags.ATTRIBUTE);
            if (priority != null) {
                slos.record(priority.toString(), response.getStatus(), millis);
            }
            if (!request.getRequestURI().startsWith("/ops/")) {
                // The operator's own tools (the dashboard polls every few seconds) are not the traffic being explored.
                slow.add(slow.entry(traceId, tenantId, request.getMethod(), routeText, response.getStatus(), nanos, timings));
                latency.record(nanos);
            }
            Object rejected = request.getAttribute(RequestClassTags.REJECTED);
            long leftOut = rejected == null ? 0 : rejectedLines.sample();
            if (leftOut == PerSecondSampler.LEAVE_OUT) {
                return; // a flood of turned-away requests: counted by the metrics, sampled here
            }
            try (MDC.MDCCloseable a = MDC.putCloseable("tenant", tenantId);
                 MDC.MDCCloseable b = MDC.putCloseable("route", routeText);
                 MDC.MDCCloseable c = MDC.putCloseable("method", request.getMethod());
                 MDC.MDCCloseable d = MDC.putCloseable("status", Integer.toString(response.getStatus()));
                 MDC.MDCCloseable e = MDC.putCloseable("duration_ms", Long.toString(millis))) {
                if (rejected == null) {
                    log.info("{} {} -> {} in {} ms (tenant {})", request.getMethod(), routeText, response.getStatus(), millis, tenantId);
                } else {
                    try (MDC.MDCCloseable f = MDC.putCloseable("rejected", rejected.toString());
                         MDC.MDCCloseable g = MDC.putCloseable("rejected_not_logged", Long.toString(leftOut))) {
                        log.info("{} {} -> {} in {} ms (tenant {}), turned away: {}; {} more turned away before it not logged",
                                request.getMethod(), routeText, response.getStatus(), millis, tenantId, rejected, leftOut);
                    }
                }
            }
        }
    }
}
