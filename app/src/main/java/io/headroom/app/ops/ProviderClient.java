package io.headroom.app.ops;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.headroom.app.ops.tracing.RequestTimings;
import io.headroom.calls.AdaptiveThrottle;
import io.headroom.calls.CallEvents;
import io.headroom.calls.CallFailed;
import io.headroom.calls.CallPolicy;
import io.headroom.calls.CallRejected;
import io.headroom.calls.RetryBudget;
import io.headroom.calls.Verdict;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import org.springframework.beans.factory.ObjectProvider;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * POSTs JSON with an idempotency key to an external provider ({@value #PAYMENTS} or {@value #EMAIL}), through
 * that provider's {@link CallPolicy} (headroom-calls): timeouts bounded by the caller's deadline, jittered retries
 * paid from a retry budget, circuit breaker, bulkhead, client-side throttling — configured under
 * {@code headroom.calls.*} ({@link CallSettings}). Every call carries an idempotency key, so every call is
 * repeatable. Metrics: {@code headroom.calls.*} per dependency.
 */
@Component
@EnableConfigurationProperties(CallSettings.class)
public class ProviderClient {

    public static final String PAYMENTS = "payments";
    public static final String EMAIL = "email";

    /** A provider's answer. */
    public record Response(int status, String body) {

        public boolean ok() {
            return status >= 200 && status < 300;
        }

        /** Worth trying again later: timeouts, throttling and server errors. */
        public boolean transientFailure() {
            return status == 408 || status == 429 || status >= 500;
        }
    }

    /** The provider did not answer, or the policy did not call it (open breaker, no time left ...). */
    public static class Unavailable extends Exception {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The policy sent nothing because the provider is being spared for a while (open breaker, client-side
     * throttling, full bulkhead): trying again after {@link #retryIn()} costs the provider nothing now. A job should
     * postpone rather than fail, so that the wait does not use up its attempts.
     */
    public static final class NotCalled extends Unavailable {
        private final Duration retryIn;

        NotCalled(String message, Throwable cause, Duration retryIn) {
            super(message, cause);
            this.retryIn = retryIn;
        }

        public Duration retryIn() {
            return retryIn;
        }
    }

    private final HttpClient http;
    private final Map<String, CallPolicy> policies = new ConcurrentHashMap<>();
    private final Tracer tracer;
    private final Duration breakerOpenFor;

    ProviderClient(CallSettings settings, Clock clock, MeterRegistry registry, ObjectProvider<Tracer> tracer) {
        this.tracer = tracer.getIfAvailable(() -> Tracer.NOOP);
        this.breakerOpenFor = settings.getBreaker().getOpenFor();
        this.http = HttpClient.newBuilder().connectTimeout(settings.getConnectTimeout()).version(HttpClient.Version.HTTP_1_1).build();
        CallEvents events = new Metrics(registry);
        for (String dependency : new String[] {PAYMENTS, EMAIL}) {
            CallPolicy policy = policy(dependency, settings, clock, events);
            policies.put(dependency, policy);
            Gauge.builder("headroom.calls.breaker.state", policy, p -> p.breakerState() == null ? -1 : switch (p.breakerState()) {
                        case CLOSED -> 0;
                        case OPEN, FORCED_OPEN -> 1;
                        case HALF_OPEN -> 2;
                        default -> 3;
                    }).tag("dependency", dependency).description("0 closed, 1 open, 2 half-open, -1 no breaker").register(registry);
            Gauge.builder("headroom.calls.retry.budget", policy, p -> p.retryBudgetAvailable() == null ? -1 : p.retryBudgetAvailable())
                    .tag("dependency", dependency).description("Retries the budget allows now; -1 without a budget").register(registry);
            Gauge.builder("headroom.calls.in.flight", policy, CallPolicy::inFlight).tag("dependency", dependency).register(registry);
        }
    }

    private static CallPolicy policy(String dependency, CallSettings s, Clock clock, CallEvents events) {
        RandomGenerator random = RandomGenerator.getDefault();
        return CallPolicy.builder(dependency)
                .timeout(s.getTimeout())
                .maxAttempts(s.getMaxAttempts())
                .backoff(s.getBackoffBase(), s.getBackoffCap())
                .retryBudget(s.getRetryBudget().isEnabled()
                        ? new RetryBudget(clock, s.getRetryBudget().getRatio(), s.getRetryBudget().getMinPerSecond(), s.getRetryBudget().getWindow())
                        : null)
                .breaker(s.getBreaker().isEnabled() ? CircuitBreakerConfig.custom()
                        .slidingWindow((int) s.getBreaker().getWindow().toSeconds(), s.getBreaker().getMinimumCalls(), CircuitBreakerConfig.SlidingWindowType.TIME_BASED)
                        .failureRateThreshold(s.getBreaker().getFailureRate())
                        .slowCallRateThreshold(s.getBreaker().getSlowCallRate())
                        .slowCallDurationThreshold(s.getBreaker().getSlowCall())
                        .waitDurationInOpenState(s.getBreaker().getOpenFor())
                        .permittedNumberOfCallsInHalfOpenState(s.getBreaker().getHalfOpenCalls()) : null)
                .maxConcurrent(s.getMaxConcurrent())
                .throttle(s.getThrottle().isEnabled() ? new AdaptiveThrottle(clock, s.getThrottle().getK(), s.getThrottle().getWindow(), s.getThrottle().getMinRequests(), random) : null)
                .clock(clock)
                .random(random)
                .events(events)
                .build();
    }

    /**
     * POSTs {@code json} through the provider's policy. {@code failedBefore}: the work this call is for failed before
     * (a job's second or later attempt); the breaker may hold it back but does not count its outcome (see
     * {@link CallPolicy#callAgain}).
     */
    public Response post(String dependency, URI uri, String idempotencyKey, String json, Instant deadline, boolean failedBefore)
            throws Unavailable, InterruptedException {
        CallPolicy policy = policies.get(dependency);
        long started = System.nanoTime();
        Span span = tracer.nextSpan().name("call " + dependency).tag("http.url", uri.toString()).tag("idempotency.key", idempotencyKey).start();
        try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
            CallPolicy.Attempt<HttpResponse<String>> attempt = timeout -> http.send(HttpRequest.newBuilder(uri).timeout(timeout)
                    .header("Content-Type", "application/json").header("Idempotency-Key", idempotencyKey)
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
            CallPolicy.Classifier<HttpResponse<String>> classifier = r2 -> Verdict.ofHttpStatus(r2.statusCode(), retryAfter(r2));
            HttpResponse<String> r = failedBefore ? policy.callAgain(deadline, true, attempt, classifier) : policy.call(deadline, true, attempt, classifier);
            span.tag("http.status", Integer.toString(r.statusCode()));
            return new Response(r.statusCode(), r.body());
        } catch (CallRejected e) {
            span.tag("rejected", e.reason().name());
            if (e.reason() == CallRejected.Reason.DEADLINE) {
                throw new Unavailable(e.getMessage(), e);
            }
            throw new NotCalled(e.getMessage(), e, retryIn(e.reason()));
        } catch (CallFailed e) {
            span.error(e);
            Throwable cause = e.getCause();
            String why = cause instanceof HttpTimeoutException ? "timed out" : cause instanceof IOException
                    ? cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : " " + cause.getMessage())
                    : String.valueOf(cause);
            throw new Unavailable("POST " + uri + " failed after " + e.attempts() + " attempt(s): " + why, e);
        } finally {
            span.end();
            RequestTimings.calls(System.nanoTime() - started);
        }
    }

    /**
     * When a call the policy refused is worth trying again: after the breaker's open period for an open breaker, else
     * after about a second; jittered by ±50% so that the jobs refused together do not all come back in the same instant.
     */
    private Duration retryIn(CallRejected.Reason reason) {
        Duration base = reason == CallRejected.Reason.CIRCUIT_OPEN ? breakerOpenFor : Duration.ofSeconds(1);
        return Duration.ofMillis((long) (base.toMillis() * (0.5 + ThreadLocalRandom.current().nextDouble())));
    }

    /** {@code Retry-After} in seconds; HTTP dates are not used by the providers and are ignored. */
    private static Duration retryAfter(HttpResponse<?> r) {
        return r.headers().firstValue("Retry-After").flatMap(v -> {
            try {
                long seconds = Long.parseLong(v.trim());
                return seconds >= 0 ? java.util.Optional.of(Duration.ofSeconds(seconds)) : java.util.Optional.empty();
            } catch (NumberFormatException e) {
                return java.util.Optional.empty();
            }
        }).orElse(null);
    }

    /** headroom.calls.* meters. */
    private static final class Metrics implements CallEvents {
        private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ProviderClient.class);
        private final MeterRegistry registry;
        private final Map<String, Timer> timers = new ConcurrentHashMap<>();

        Metrics(MeterRegistry registry) {
            this.registry = registry;
        }

        @Override
        public void attempted(String dependency, int attempt, Verdict verdict, Throwable failure, Duration latency) {
            String outcome = failure != null ? "no_answer" : verdict.kind().name().toLowerCase(java.util.Locale.ROOT);
            timers.computeIfAbsent(dependency + "/" + outcome, k -> Timer.builder("headroom.calls.attempts")
                    .tag("dependency", dependency).tag("outcome", outcome).register(registry)).record(latency);
        }

        @Override
        public void retrying(String dependency, int nextAttempt, Duration delay) {
            registry.counter("headroom.calls.retries", "dependency", dependency).increment();
        }

        @Override
        public void budgetExhausted(String dependency) {
            registry.counter("headroom.calls.retry.budget.exhausted", "dependency", dependency).increment();
        }

        @Override
        public void breakerTransition(String dependency, String from, String to) {
            log.warn("circuit breaker for the {} provider: {} -> {} ({})", dependency, from, to, switch (to) {
                case "OPEN" -> "calls are refused locally until the open period ends";
                case "HALF_OPEN" -> "a few probe calls decide whether it closes";
                default -> "calls go through again";
            });
        }

        @Override
        public void rejected(String dependency, CallRejected.Reason reason) {
            registry.counter("headroom.calls.rejected", "dependency", dependency, "reason", reason.name().toLowerCase(java.util.Locale.ROOT)).increment();
        }
    }
}
