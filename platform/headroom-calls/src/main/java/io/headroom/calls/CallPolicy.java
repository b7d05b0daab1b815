package io.headroom.calls;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * How one dependency is called. Per call:
 * <ol>
 *   <li>client-side throttling may reject it locally ({@link AdaptiveThrottle});</li>
 *   <li>each attempt gets {@code timeout = min(configured, time left before the caller's deadline)}, needs the
 *       circuit breaker's permission (Resilience4j: failure rate and slow-call rate, half-open probes) and a place
 *       in the bulkhead (at most M in flight, no waiting);</li>
 *   <li>a failed attempt is retried only if the call may be repeated (idempotent, or carrying an idempotency key),
 *       attempts remain, the retry budget has a retry ({@link RetryBudget}), and the wait — the dependency's
 *       {@code Retry-After} or exponential backoff with full jitter — ends before the deadline.</li>
 * </ol>
 * The caller gets the last answer (a refusal or a failure status is the caller's to interpret), or
 * {@link CallFailed} when no attempt got an answer, or {@link CallRejected} when nothing was sent. Thread-safe.
 */
public final class CallPolicy {

    /** One attempt: send the call with this timeout (both connect and read) and return the answer. */
    @FunctionalInterface
    public interface Attempt<T> {
        T run(Duration timeout) throws Exception;
    }

    /** Reads an answer. */
    @FunctionalInterface
    public interface Classifier<T> {
        Verdict classify(T answer);
    }

    /** Waits between attempts; tests record instead. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final String dependency;
    private final Duration timeout;
    private final int maxAttempts;
    private final Duration backoffBase;
    private final Duration backoffCap;
    private final Duration maxRetryAfter;
    private final RetryBudget budget;
    private final AdaptiveThrottle throttle;
    private final CircuitBreaker breaker;
    private final Bulkhead bulkhead;
    private final Clock clock;
    private final RandomGenerator random;
    private final Sleeper sleeper;
    private final CallEvents events;

    private CallPolicy(Builder b) {
        this.dependency = b.dependency;
        this.timeout = b.timeout;
        this.maxAttempts = b.maxAttempts;
        this.backoffBase = b.backoffBase;
        this.backoffCap = b.backoffCap;
        this.maxRetryAfter = b.maxRetryAfter;
        this.budget = b.budget;
        this.throttle = b.throttle;
        this.breaker = b.breaker == null ? null : CircuitBreaker.of(dependency, b.breaker.clock(b.clock).build());
        if (breaker != null) {
            breaker.getEventPublisher().onStateTransition(e -> b.events.breakerTransition(dependency,
                    e.getStateTransition().getFromState().name(), e.getStateTransition().getToState().name()));
        }
        if (breaker != null && throttle != null) {
            // The breaker took over (opened), or its probes found the dependency back (closed): either way what the
            // dependency refused before is no reason to throttle it from now on.
            breaker.getEventPublisher().onStateTransition(e -> {
                if (e.getStateTransition() == CircuitBreaker.StateTransition.CLOSED_TO_OPEN
                        || e.getStateTransition() == CircuitBreaker.StateTransition.HALF_OPEN_TO_CLOSED) {
                    throttle.reset();
                }
            });
        }
        this.bulkhead = b.maxConcurrent <= 0 ? null : Bulkhead.of(dependency,
                BulkheadConfig.custom().maxConcurrentCalls(b.maxConcurrent).maxWaitDuration(Duration.ZERO).build());
        this.clock = b.clock;
        this.random = b.random;
        this.sleeper = b.sleeper;
        this.events = b.events;
    }

    public static Builder builder(String dependency) {
        return new Builder(dependency);
    }

    public String dependency() {
        return dependency;
    }

    /** The circuit breaker's state, or null without a breaker. */
    public CircuitBreaker.State breakerState() {
        return breaker == null ? null : breaker.getState();
    }

    /** Retries the budget allows now, or null without a budget (unlimited). */
    public Double retryBudgetAvailable() {
        return budget == null ? null : budget.available();
    }

    /** Calls in flight. */
    public int inFlight() {
        return bulkhead == null ? 0 : bulkhead.getBulkheadConfig().getMaxConcurrentCalls() - bulkhead.getMetrics().getAvailableConcurrentCalls();
    }

    /**
     * Makes the call.
     *
     * @param deadline   when the caller stops waiting; no attempt starts, and no retry is scheduled, past it
     * @param repeatable whether the call may be sent again (idempotent, or carries an idempotency key)
     * @return the last answer the dependency gave
     * @throws CallRejected when nothing was sent (deadline, open breaker, full bulkhead, throttled)
     * @throws CallFailed   when every attempt that was sent ended in an exception
     */
    public <T> T call(Instant deadline, boolean repeatable, Attempt<T> attempt, Classifier<T> classifier)
            throws CallRejected, CallFailed, InterruptedException {
        return call(deadline, repeatable, attempt, classifier, true);
    }

    /**
     * Makes a call on behalf of work that failed before (a queue's next attempt of a job, say). The breaker and the
     * throttle may refuse it as usual, but it does not count towards opening or closing the breaker, nor in the
     * throttle's requests and accepts: work that failed before is a biased sample of the dependency's health — a
     * poison job fails every time — and counting it let 5% poison jobs (each retried ten times) open the breaker
     * against every healthy call. Otherwise the same as {@link #call}.
     */
    public <T> T callAgain(Instant deadline, boolean repeatable, Attempt<T> attempt, Classifier<T> classifier)
            throws CallRejected, CallFailed, InterruptedException {
        return call(deadline, repeatable, attempt, classifier, false);
    }

    private <T> T call(Instant deadline, boolean repeatable, Attempt<T> attempt, Classifier<T> classifier, boolean judgesDependency)
            throws CallRejected, CallFailed, InterruptedException {
        Objects.requireNonNull(deadline, "deadline");
        CircuitBreaker judge = judgesDependency ? breaker : null;
        T lastAnswer = null;
        boolean answered = false;
        Exception lastFailure = null;
        int n = 0;
        while (true) {
            n++;
            Duration left = Duration.between(clock.instant(), deadline);
            if (left.compareTo(Duration.ofMillis(1)) < 0) {
                if (n == 1) {
                    throw reject(CallRejected.Reason.DEADLINE);
                }
                break;
            }
            Duration attemptTimeout = left.compareTo(timeout) < 0 ? left : timeout;
            if (breaker != null && !breaker.tryAcquirePermission()) {
                if (n == 1) {
                    throw reject(CallRejected.Reason.CIRCUIT_OPEN);
                }
                events.rejected(dependency, CallRejected.Reason.CIRCUIT_OPEN);
                break;
            }
            if (n == 1) {
                // Throttling works while the breaker is closed: while it is open or probing it spares the dependency
                // already, and throttling its probes would keep the dependency throttled long after it is back.
                boolean closed = breaker == null || breaker.getState() == CircuitBreaker.State.CLOSED;
                // Work that failed before is throttled but not counted, as the breaker does not count it: its quick
                // retries would fill the throttle's window long before the breaker has seen enough fresh failures,
                // and the throttle (two minutes to forget) would take over from the breaker (seconds to probe).
                if (throttle != null && closed && !(judgesDependency ? throttle.allow() : throttle.allowUncounted())) {
                    if (breaker != null) {
                        breaker.releasePermission();
                    }
                    throw reject(CallRejected.Reason.THROTTLED);
                }
                if (budget != null) {
                    budget.recordCall();
                }
            }
            if (bulkhead != null && !bulkhead.tryAcquirePermission()) {
                if (breaker != null) {
                    breaker.releasePermission();
                }
                if (n == 1) {
                    throw reject(CallRejected.Reason.BULKHEAD_FULL);
                }
                events.rejected(dependency, CallRejected.Reason.BULKHEAD_FULL);
                break;
            }
            long started = clock.millis();
            Verdict verdict = null;
            Exception failure = null;
            T answer = null;
            try {
                answer = attempt.run(attemptTimeout);
                verdict = classifier.classify(answer);
            } catch (InterruptedException e) {
                if (breaker != null) {
                    breaker.releasePermission();
                }
                throw e;
            } catch (Exception e) {
                failure = e;
            } finally {
                if (bulkhead != null) {
                    bulkhead.onComplete();
                }
            }
            long tookMillis = Math.max(0, clock.millis() - started);
            events.attempted(dependency, n, verdict, failure, Duration.ofMillis(tookMillis));
            Duration retryAfter = null;
            if (breaker != null && judge == null) {
                breaker.releasePermission();
            }
            if (failure != null) {
                lastFailure = failure;
                answered = false;
                if (judge != null) {
                    judge.onError(tookMillis, TimeUnit.MILLISECONDS, failure);
                }
            } else {
                lastAnswer = answer;
                answered = true;
                if (verdict.kind() == Verdict.Kind.RETRYABLE) {
                    if (judge != null) {
                        judge.onError(tookMillis, TimeUnit.MILLISECONDS, new DependencyFailure(dependency));
                    }
                    retryAfter = verdict.retryAfter();
                } else {
                    if (judge != null) {
                        judge.onSuccess(tookMillis, TimeUnit.MILLISECONDS);
                    }
                }
                if (throttle != null && judgesDependency && !verdict.overloaded() && (breaker == null || breaker.getState() == CircuitBreaker.State.CLOSED)) {
                    throttle.accepted();
                }
                if (verdict.kind() != Verdict.Kind.RETRYABLE) {
                    return answer;
                }
            }
            if (!repeatable || n >= maxAttempts) {
                break;
            }
            Duration delay = backoff(n, retryAfter);
            if (!clock.instant().plus(delay).isBefore(deadline)) {
                break;
            }
            if (budget != null && !budget.tryRetry()) {
                events.budgetExhausted(dependency);
                break;
            }
            events.retrying(dependency, n + 1, delay);
            if (!delay.isZero()) {
                sleeper.sleep(delay);
            }
        }
        if (answered) {
            return lastAnswer;
        }
        if (lastFailure == null) {
            throw reject(CallRejected.Reason.DEADLINE);
        }
        throw new CallFailed(dependency, n, lastFailure);
    }

    /** Full jitter: uniform in [0, min(cap, base * 2^(attempt-1))]; at least the dependency's Retry-After (capped). */
    Duration backoff(int attempt, Duration retryAfter) {
        long ceiling = Math.min(backoffCap.toMillis(), backoffBase.toMillis() * (1L << Math.min(attempt - 1, 30)));
        long jittered = ceiling <= 0 ? 0 : (long) (random.nextDouble() * ceiling);
        if (retryAfter != null) {
            long asked = Math.min(retryAfter.toMillis(), maxRetryAfter.toMillis());
            jittered = Math.max(jittered, asked);
        }
        return Duration.ofMillis(jittered);
    }

    private CallRejected reject(CallRejected.Reason reason) {
        events.rejected(dependency, reason);
        return new CallRejected(dependency, reason);
    }

    /** What the breaker records for an answer that is a dependency failure (a 5xx, a 429 ...). */
    static final class DependencyFailure extends Exception {
        DependencyFailure(String dependency) {
            super(dependency + " answered with a failure", null, false, false);
        }
    }

    /** Builds a {@link CallPolicy}. Defaults: the hardened ones in the README. */
    public static final class Builder {
        private final String dependency;
        private Duration timeout = Duration.ofSeconds(5);
        private int maxAttempts = 3;
        private Duration backoffBase = Duration.ofMillis(100);
        private Duration backoffCap = Duration.ofSeconds(2);
        private Duration maxRetryAfter = Duration.ofSeconds(10);
        private RetryBudget budget;
        private AdaptiveThrottle throttle;
        private CircuitBreakerConfig.Builder breaker = CircuitBreakerConfig.custom()
                .slidingWindow(20, 10, CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .failureRateThreshold(50)
                .slowCallRateThreshold(80)
                .slowCallDurationThreshold(Duration.ofSeconds(2))
                .waitDurationInOpenState(Duration.ofSeconds(5))
                .permittedNumberOfCallsInHalfOpenState(3);
        private int maxConcurrent = 32;
        private Clock clock = Clock.systemUTC();
        private RandomGenerator random = RandomGenerator.getDefault();
        private Sleeper sleeper = d -> Thread.sleep(d);
        private CallEvents events = CallEvents.NONE;
        private boolean budgetSet;
        private boolean throttleSet;

        private Builder(String dependency) {
            if (dependency == null || dependency.isBlank()) {
                throw new IllegalArgumentException("a call policy needs a dependency name");
            }
            this.dependency = dependency;
        }

        public Builder timeout(Duration value) {
            this.timeout = positive(value, "timeout");
            return this;
        }

        public Builder maxAttempts(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1, got " + value);
            }
            this.maxAttempts = value;
            return this;
        }

        /** Exponential backoff with full jitter; {@code ZERO, ZERO} retries at once. */
        public Builder backoff(Duration base, Duration cap) {
            this.backoffBase = base;
            this.backoffCap = cap;
            return this;
        }

        public Builder maxRetryAfter(Duration value) {
            this.maxRetryAfter = value;
            return this;
        }

        /** The retry budget; null for none (unlimited retries). Default: {@link RetryBudget#standard}. */
        public Builder retryBudget(RetryBudget value) {
            this.budget = value;
            this.budgetSet = true;
            return this;
        }

        /** Client-side throttling; null for none. Default: {@link AdaptiveThrottle#standard}. */
        public Builder throttle(AdaptiveThrottle value) {
            this.throttle = value;
            this.throttleSet = true;
            return this;
        }

        /** The circuit breaker's configuration (its clock is set to the policy's); null for no breaker. */
        public Builder breaker(CircuitBreakerConfig.Builder value) {
            this.breaker = value;
            return this;
        }

        /** At most this many calls in flight; 0 for no bulkhead. */
        public Builder maxConcurrent(int value) {
            this.maxConcurrent = value;
            return this;
        }

        public Builder clock(Clock value) {
            this.clock = value;
            return this;
        }

        public Builder random(RandomGenerator value) {
            this.random = value;
            return this;
        }

        public Builder sleeper(Sleeper value) {
            this.sleeper = value;
            return this;
        }

        public Builder events(CallEvents value) {
            this.events = value;
            return this;
        }

        public CallPolicy build() {
            if (!budgetSet) {
                budget = RetryBudget.standard(clock);
            }
            if (!throttleSet) {
                throttle = AdaptiveThrottle.standard(clock, random);
            }
            return new CallPolicy(this);
        }

        private static Duration positive(Duration value, String name) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, got " + value);
            }
            return value;
        }
    }
}
