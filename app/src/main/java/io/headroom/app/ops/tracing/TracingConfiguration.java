package io.headroom.app.ops.tracing;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Tracing in the app (OpenTelemetry through Micrometer Tracing): new traces are recorded within a budget
 * ({@link TraceBudget}), every finished span of a recorded trace goes to the in-memory {@link TraceStore} at once, and
 * every response says which trace it belongs to and whether it was recorded ({@code traceparent}), so a client can
 * look its request up.
 */
@Configuration(proxyBeanMethods = false)
class TracingConfiguration {

    /** Replaces Spring Boot's sampler: the same probability, then at most {@code headroom.tracing.traces-per-second}. */
    @Bean
    Sampler traceSampler(@Value("${management.tracing.sampling.probability:0.1}") double probability,
                         @Value("${headroom.tracing.traces-per-second:200}") int perSecond, Clock clock) {
        return TraceBudget.sampler(probability, perSecond, clock);
    }

    @Bean
    SpanProcessor traceStoreProcessor(TraceStore store) {
        return SimpleSpanProcessor.create(store.exporter());
    }

    @Bean
    TraceparentHeader traceparentHeader(Tracer tracer) {
        return new TraceparentHeader(tracer);
    }

    /** Writes the current W3C {@code traceparent} on the response, before the handler runs. */
    static final class TraceparentHeader extends OncePerRequestFilter implements Ordered {
        private final Tracer tracer;

        TraceparentHeader(Tracer tracer) {
            this.tracer = tracer;
        }

        @Override
        public int getOrder() {
            return Ordered.HIGHEST_PRECEDENCE + 5;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            Span span = tracer.currentSpan();
            if (span != null) {
                response.setHeader("traceparent", Traceparents.of(span));
            }
            chain.doFilter(request, response);
        }
    }
}
