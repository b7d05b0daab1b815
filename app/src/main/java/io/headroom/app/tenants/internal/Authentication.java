package io.headroom.app.tenants.internal;

import io.headroom.app.tenants.CurrentTenant;
import io.headroom.app.tenants.Tenants;
import io.headroom.app.web.ApiProblem;
import io.headroom.app.web.ProblemWriter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.dao.DataAccessException;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Who is calling: {@code /v1/**} needs a tenant's API key ({@code Authorization: Bearer hr_...}) and runs bound
 * to that tenant; {@code /admin/**} needs the operator key ({@code headroom.operator-key}). Anything else
 * (health, OpenAPI) is open; {@code /ops/**} (operator tools) also needs the operator key. A missing, malformed or unknown key is a 401 problem, before any other work.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
class Authentication extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(Authentication.class);

    private final Tenants tenants;
    private final ProblemWriter problems;
    private final byte[] operatorKey;

    Authentication(Tenants tenants, ProblemWriter problems, @Value("${headroom.operator-key:}") String operatorKey) {
        this.tenants = tenants;
        this.problems = problems;
        this.operatorKey = operatorKey.getBytes(StandardCharsets.UTF_8);
        if (operatorKey.isEmpty()) {
            log.warn("no operator key is set (headroom.operator-key / HEADROOM_OPERATOR_KEY): /admin is closed");
        }
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getRequestURI();
        if (path.startsWith("/admin/") || path.equals("/admin") || path.startsWith("/ops/")) {
            Optional<String> key = bearer(request);
            if (operatorKey.length == 0 || key.isEmpty()
                    || !MessageDigest.isEqual(operatorKey, key.get().getBytes(StandardCharsets.UTF_8))) {
                unauthorized(response, operatorKey.length == 0
                        ? "the operator API is closed: no operator key is configured (set HEADROOM_OPERATOR_KEY)"
                        : "send the operator key as 'Authorization: Bearer <key>'");
                return;
            }
            chain.doFilter(request, response);
        } else if (path.startsWith("/v1/") || path.equals("/v1")) {
            Optional<Tenants.Tenant> tenant;
            try {
                tenant = bearer(request).flatMap(tenants::authenticate);
            } catch (DataAccessException e) {
                log.warn("{} {}: could not check the API key, the database did not answer: {}", request.getMethod(), path,
                        e.getMostSpecificCause().getMessage());
                response.setHeader("Retry-After", "1");
                problems.write(response, ApiProblem.problem(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "Temporarily unavailable",
                        "the database is unavailable or overloaded; retry after the time in Retry-After", Map.of()));
                return;
            }
            if (tenant.isEmpty()) {
                unauthorized(response, "send a tenant API key as 'Authorization: Bearer hr_...'");
                return;
            }
            request.setAttribute("headroom.tenant", tenant.get());
            try {
                CurrentTenant.call(tenant.get().id(), () -> {
                    try {
                        chain.doFilter(request, response);
                        return null;
                    } catch (IOException | ServletException e) {
                        throw new WrappedException(e);
                    }
                });
            } catch (WrappedException e) {
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                throw (ServletException) e.getCause();
            }
        } else {
            chain.doFilter(request, response);
        }
    }

    private static Optional<String> bearer(HttpServletRequest request) {
        var headers = Collections.list(request.getHeaders("Authorization"));
        if (headers.size() != 1) {
            return Optional.empty();
        }
        String h = headers.get(0);
        if (h.length() > 7 && h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.of(h.substring(7).trim());
        }
        return Optional.empty();
    }

    private void unauthorized(HttpServletResponse response, String detail) throws IOException {
        response.setHeader("WWW-Authenticate", "Bearer");
        problems.write(response, ApiProblem.problem(HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized", detail, Map.of()));
    }

    private static final class WrappedException extends RuntimeException {
        WrappedException(Exception cause) {
            super(cause);
        }
    }
}
