package io.headroom.app.ops.admission;

import io.headroom.admission.Admission;
import io.headroom.admission.Deadline;
import io.headroom.admission.Priority;
import io.headroom.admission.Quota;
import io.headroom.admission.Rejected;
import io.headroom.app.ops.tracing.RequestTimings;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.headroom.app.tenants.Tenants;
import io.headroom.app.web.ApiProblem;
import io.headroom.app.web.ProblemWriter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.PathContainer;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Admission control for the API ({@code /v1/**}, {@code /admin/**}), after authentication and before any other
 * work: the route's class (lowered by a {@code Priority} header if the client asks), the deadline (from
 * {@code Request-Timeout} in milliseconds, or the class's default), then {@link Admission#acquire}. Admitted
 * requests run with the deadline bound to their thread and get the tenant's {@code RateLimit} headers; rejected
 * ones get problem+json with {@code Retry-After}: 429 for the tenant's own limit, and for the system's state the
 * configured {@code overload-status} (429 unless set to 503; see {@link AdmissionProperties#getOverloadStatus}).
 */
class AdmissionFilter extends OncePerRequestFilter implements Ordered {

    private record Route(String method, PathPattern pattern, Priority priority) {
    }

    private static final Set<String> STANDARD_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    private final Admission admission;
    private final AdmissionProperties properties;
    private final ProblemWriter problems;
    private final Clock clock;
    private final Tracer tracer;
    private final List<Route> routes = new ArrayList<>();

    AdmissionFilter(Admission admission, AdmissionProperties properties, ProblemWriter problems, Clock clock, Tracer tracer) {
        this.tracer = tracer;
        this.admission = admission;
        this.properties = properties;
        this.problems = problems;
        this.clock = clock;
        PathPatternParser parser = new PathPatternParser();
        properties.getRoutes().forEach((priority, patterns) -> {
            for (String p : patterns) {
                String[] parts = p.trim().split("\\s+", 2);
                if (parts.length != 2) {
                    throw new IllegalArgumentException("headroom.admission.routes: '" + p + "' is not 'METHOD /path/pattern'");
                }
                routes.add(new Route(parts[0].toUpperCase(java.util.Locale.ROOT), parser.parse(parts[1]), priority));
            }
        });
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 30;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return !(path.startsWith("/v1/") || path.equals("/v1") || path.startsWith("/admin/") || path.equals("/admin"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Priority priority = classify(request.getMethod(), request.getRequestURI()).loweredBy(request.getHeader("Priority"));
        request.setAttribute(RequestClassTags.ATTRIBUTE, priority.name());
        Duration budget;
        try {
            budget = budget(request, priority);
        } catch (IllegalArgumentException e) {
            problems.write(response, ApiProblem.problem(HttpStatus.BAD_REQUEST, "invalid-header", "Invalid header", e.getMessage(), Map.of()));
            return;
        }
        Deadline deadline = Deadline.after(clock, budget);
        Object tenant = request.getAttribute("headroom.tenant");
        String tenantId = tenant instanceof Tenants.Tenant t ? t.id().toString() : "operator";
        String plan = tenant instanceof Tenants.Tenant t ? t.plan().name() : null;
        Admission.Permit permit;
        long waitStart = System.nanoTime();
        Span span = tracer.nextSpan().name("admission").tag("class", priority.name()).start();
        try {
            permit = admission.acquire(new Admission.Request(priority, tenantId, plan, deadline));
        } catch (Rejected r) {
            span.tag("rejected", r.reason().name());
            request.setAttribute(RequestClassTags.REJECTED, r.reason().name());
            reject(response, r);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServletException("interrupted while waiting for admission", e);
        } finally {
            span.end();
            RequestTimings.admissionWait(System.nanoTime() - waitStart);
        }
        boolean dropped = false;
        try (Deadline.Scope bound = deadline.bind()) {
            if (permit.quota() != null) {
                rateLimitHeaders(response, permit.quota());
            }
            chain.doFilter(request, response);
            dropped = response.getStatus() == HttpStatus.SERVICE_UNAVAILABLE.value();
        } finally {
            permit.release(kind(request, response), dropped);
        }
    }

    /**
     * The kind of request for the adaptive limit's latency baseline: method, route template and status class, e.g.
     * {@code POST /v1/orders 2xx}. A checkout and a product read, or a checkout and its fast 422, are not compared
     * with each other's no-load latency.
     */
    static String kind(HttpServletRequest request, HttpServletResponse response) {
        Object route = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
        // Any token is a method to Tomcat: the kinds are to stay few, so unusual ones count as one.
        String method = STANDARD_METHODS.contains(request.getMethod()) ? request.getMethod() : "(other method)";
        return method + " " + (route == null ? "(no route)" : route) + " " + response.getStatus() / 100 + "xx";
    }

    Priority classify(String method, String path) {
        PathContainer container = PathContainer.parsePath(path);
        for (Route r : routes) {
            if ((r.method.equals("*") || r.method.equalsIgnoreCase(method)) && r.pattern.matches(container)) {
                return r.priority;
            }
        }
        return Priority.DEFAULT;
    }

    private Duration budget(HttpServletRequest request, Priority priority) {
        List<String> values = Collections.list(request.getHeaders("Request-Timeout"));
        if (values.isEmpty()) {
            return properties.getDeadlines().getOrDefault(priority, Duration.ofSeconds(1));
        }
        long max = properties.getMaxDeadline().toMillis();
        String message = "Request-Timeout must be one whole number of milliseconds within 1.." + max;
        if (values.size() > 1) {
            throw new IllegalArgumentException(message + " (sent " + values.size() + " times)");
        }
        try {
            long ms = Long.parseLong(values.get(0).trim());
            if (ms < 1 || ms > max) {
                throw new IllegalArgumentException(message + ", got " + ms);
            }
            return Duration.ofMillis(ms);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(message);
        }
    }

    private void reject(HttpServletResponse response, Rejected r) throws IOException {
        long seconds = Math.max(1, (long) Math.ceil(r.retryAfter().toMillis() / 1000.0));
        response.setHeader("Retry-After", Long.toString(seconds));
        if (r.quota() != null) {
            rateLimitHeaders(response, r.quota());
        }
        HttpStatus status = r.tenantLimited() ? HttpStatus.TOO_MANY_REQUESTS : HttpStatus.valueOf(properties.getOverloadStatus());
        String type = switch (r.reason()) {
            case TENANT_QUOTA -> "tenant-over-quota";
            case TENANT_BUSY -> "tenant-busy";
            case OVERLOADED -> "overloaded";
            case DEADLINE -> "deadline-exceeded";
        };
        String title = switch (r.reason()) {
            case TENANT_QUOTA -> "Over quota";
            case TENANT_BUSY -> "Too many requests in flight";
            case OVERLOADED -> "Overloaded";
            case DEADLINE -> "Deadline exceeded";
        };
        problems.write(response, ApiProblem.problem(status, type, title, r.getMessage() + "; retry after " + seconds + " s", Map.of()));
    }

    private static void rateLimitHeaders(HttpServletResponse response, Quota quota) {
        response.setHeader("RateLimit-Policy", quota.policyHeader());
        response.setHeader("RateLimit", quota.stateHeader());
    }
}
