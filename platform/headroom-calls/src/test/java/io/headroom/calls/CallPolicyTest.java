package io.headroom.calls;

import io.headroom.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The policy's decisions, on an injected clock, with scripted answers and a recording sleeper. */
class CallPolicyTest {

    final MutableClock clock = new MutableClock();
    final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    final List<Duration> timeouts = new CopyOnWriteArrayList<>();

    CallPolicy.Builder policy() {
        return CallPolicy.builder("gateway").clock(clock).random(new Random(1)).sleeper(d -> {
            sleeps.add(d);
            clock.advance(d);
        }).throttle(null);
    }

    /** An attempt that answers the given statuses in turn (the last one repeats). */
    CallPolicy.Attempt<Integer> answers(int... statuses) {
        AtomicInteger i = new AtomicInteger();
        return timeout -> {
            timeouts.add(timeout);
            return statuses[Math.min(i.getAndIncrement(), statuses.length - 1)];
        };
    }

    static Verdict http(int status) {
        return Verdict.ofHttpStatus(status, null);
    }

    Instant in(Duration d) {
        return clock.instant().plus(d);
    }

    @Test
    void anAttemptGetsTheConfiguredTimeoutOrTheTimeLeftIfThatIsShorter() throws Exception {
        CallPolicy p = policy().timeout(Duration.ofSeconds(5)).build();

        assertThat(p.call(in(Duration.ofSeconds(3)), true, answers(200), CallPolicyTest::http)).isEqualTo(200);
        assertThat(p.call(in(Duration.ofSeconds(30)), true, answers(200), CallPolicyTest::http)).isEqualTo(200);

        assertThat(timeouts).containsExactly(Duration.ofSeconds(3), Duration.ofSeconds(5));
    }

    @Test
    void aRetryableAnswerIsRetriedWithFullJitterAndTheLastAnswerWins() throws Exception {
        CallPolicy p = policy().maxAttempts(3).backoff(Duration.ofMillis(100), Duration.ofSeconds(2)).retryBudget(null).build();

        int answer = p.call(in(Duration.ofSeconds(10)), true, answers(503, 502, 201), CallPolicyTest::http);

        assertThat(answer).isEqualTo(201);
        assertThat(timeouts).hasSize(3);
        assertThat(sleeps).hasSize(2);
        assertThat(sleeps.get(0)).isBetween(Duration.ZERO, Duration.ofMillis(100));
        assertThat(sleeps.get(1)).isBetween(Duration.ZERO, Duration.ofMillis(200));
    }

    @Test
    void refusalsAndUnrepeatableCallsAreNotRetried() throws Exception {
        CallPolicy p = policy().maxAttempts(5).build();

        assertThat(p.call(in(Duration.ofSeconds(10)), true, answers(402), CallPolicyTest::http)).isEqualTo(402);
        assertThat(p.call(in(Duration.ofSeconds(10)), false, answers(503, 200), CallPolicyTest::http)).isEqualTo(503);

        assertThat(timeouts).hasSize(2);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void retryAfterIsHonouredUpToItsCap() throws Exception {
        CallPolicy p = policy().maxAttempts(3).maxRetryAfter(Duration.ofSeconds(3)).retryBudget(null).build();
        AtomicInteger n = new AtomicInteger();
        CallPolicy.Attempt<Integer> attempt = t -> n.incrementAndGet() < 3 ? 503 : 200;
        List<Duration> asked = List.of(Duration.ofMillis(1500), Duration.ofSeconds(60));
        AtomicInteger v = new AtomicInteger();

        p.call(in(Duration.ofSeconds(30)), true, attempt, status -> status == 200 ? Verdict.SUCCESS
                : Verdict.retryable(asked.get(v.getAndIncrement()), true));

        assertThat(sleeps).containsExactly(Duration.ofMillis(1500), Duration.ofSeconds(3));
    }

    @Test
    void noAttemptStartsAndNoRetryIsScheduledPastTheDeadline() throws Exception {
        CallPolicy p = policy().maxAttempts(5).maxRetryAfter(Duration.ofSeconds(10)).build();
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> p.call(clock.instant(), true, t -> calls.incrementAndGet(), a -> Verdict.SUCCESS))
                .isInstanceOf(CallRejected.class)
                .satisfies(e -> assertThat(((CallRejected) e).reason()).isEqualTo(CallRejected.Reason.DEADLINE));
        assertThat(calls).hasValue(0);

        // The dependency asks for 5 s; only 2 s are left: give the last answer now instead of waiting in vain.
        int answer = p.call(in(Duration.ofSeconds(2)), true, answers(503),
                s -> Verdict.retryable(Duration.ofSeconds(5), true));
        assertThat(answer).isEqualTo(503);
        assertThat(timeouts).hasSize(1);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void whenNoAttemptGetsAnAnswerTheCallFails() {
        CallPolicy p = policy().maxAttempts(3).retryBudget(null).build();
        AtomicInteger n = new AtomicInteger();

        assertThatThrownBy(() -> p.call(in(Duration.ofSeconds(10)), true, t -> {
            n.incrementAndGet();
            throw new IOException("connection refused");
        }, CallPolicyTest::http))
                .isInstanceOf(CallFailed.class)
                .hasMessage("call to gateway failed after 3 attempts: connection refused");
        assertThat(n).hasValue(3);
    }

    @Test
    void theRetryBudgetKeepsRetriesToATenthOfCallsDuringAnOutage() throws Exception {
        CallPolicy p = policy().maxAttempts(5).backoff(Duration.ZERO, Duration.ZERO).breaker(null)
                .retryBudget(new RetryBudget(clock, 0.1, 0, Duration.ofSeconds(10))).build();
        AtomicInteger attempts = new AtomicInteger();

        for (int i = 0; i < 200; i++) {
            p.call(in(Duration.ofSeconds(5)), true, t -> {
                attempts.incrementAndGet();
                return 503;
            }, CallPolicyTest::http);
        }

        int retries = attempts.get() - 200;
        assertThat(retries).as("retries for 200 failing calls").isBetween(19, 20);
        assertThat(p.retryBudgetAvailable()).isLessThan(1.0);
    }

    @Test
    void theRetryBudgetIsASlidingWindow() {
        RetryBudget budget = new RetryBudget(clock, 0.1, 0.5, Duration.ofSeconds(10));
        assertThat(budget.available()).as("the floor alone: 0.5/s over 10 s").isEqualTo(5.0);
        for (int i = 0; i < 50; i++) {
            budget.recordCall();
        }
        assertThat(budget.available()).isEqualTo(10.0);
        int granted = 0;
        while (budget.tryRetry()) {
            granted++;
        }
        assertThat(granted).isEqualTo(10);

        clock.advance(Duration.ofSeconds(10));
        assertThat(budget.available()).as("calls and retries of the last window have aged out").isEqualTo(5.0);
    }

    @Test
    void theBreakerOpensOnFailuresRejectsWithoutCallingAndClosesAfterHalfOpenProbes() throws Exception {
        CallPolicy p = policy().maxAttempts(1).retryBudget(null).breaker(CircuitBreakerConfig.custom()
                .slidingWindow(10, 10, CircuitBreakerConfig.SlidingWindowType.COUNT_BASED).failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofSeconds(5)).permittedNumberOfCallsInHalfOpenState(2)).build();
        for (int i = 0; i < 10; i++) {
            p.call(in(Duration.ofSeconds(5)), true, answers(500), CallPolicyTest::http);
        }
        assertThat(p.breakerState()).isEqualTo(CircuitBreaker.State.OPEN);
        timeouts.clear();

        assertThatThrownBy(() -> p.call(in(Duration.ofSeconds(5)), true, answers(200), CallPolicyTest::http))
                .isInstanceOf(CallRejected.class)
                .satisfies(e -> assertThat(((CallRejected) e).reason()).isEqualTo(CallRejected.Reason.CIRCUIT_OPEN));
        assertThat(timeouts).as("nothing sent while open").isEmpty();

        clock.advance(Duration.ofSeconds(5).plusMillis(1));
        p.call(in(Duration.ofSeconds(5)), true, answers(200), CallPolicyTest::http);
        assertThat(p.breakerState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        p.call(in(Duration.ofSeconds(5)), true, answers(200), CallPolicyTest::http);
        assertThat(p.breakerState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void callsForWorkThatFailedBeforeAreHeldBackByAnOpenBreakerButDoNotOpenIt() throws Exception {
        CallPolicy p = policy().maxAttempts(1).retryBudget(null).breaker(CircuitBreakerConfig.custom()
                .slidingWindow(10, 10, CircuitBreakerConfig.SlidingWindowType.COUNT_BASED).failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofSeconds(5))).build();
        // A poison job's later attempts: every one fails, none counts.
        for (int i = 0; i < 30; i++) {
            assertThat(p.callAgain(in(Duration.ofSeconds(5)), true, answers(500), CallPolicyTest::http)).isEqualTo(500);
        }
        assertThat(p.breakerState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(timeouts).as("each of them was sent").hasSize(30);

        // Fresh calls judge the dependency: ten failures open the breaker, and then it holds back the others too.
        for (int i = 0; i < 10; i++) {
            p.call(in(Duration.ofSeconds(5)), true, answers(500), CallPolicyTest::http);
        }
        assertThat(p.breakerState()).isEqualTo(CircuitBreaker.State.OPEN);
        timeouts.clear();
        assertThatThrownBy(() -> p.callAgain(in(Duration.ofSeconds(5)), true, answers(200), CallPolicyTest::http))
                .isInstanceOf(CallRejected.class)
                .satisfies(e -> assertThat(((CallRejected) e).reason()).isEqualTo(CallRejected.Reason.CIRCUIT_OPEN));
        assertThat(timeouts).as("nothing sent while open").isEmpty();
    }

    @Test
    void slowAnswersOpenTheBreakerToo() throws Exception {
        CallPolicy p = policy().maxAttempts(1).breaker(CircuitBreakerConfig.custom()
                .slidingWindow(10, 10, CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slowCallDurationThreshold(Duration.ofSeconds(2)).slowCallRateThreshold(80)).build();

        for (int i = 0; i < 10; i++) {
            p.call(in(Duration.ofSeconds(10)), true, t -> {
                clock.advance(Duration.ofSeconds(3));
                return 200;
            }, CallPolicyTest::http);
        }

        assertThat(p.breakerState()).isEqualTo(CircuitBreaker.State.OPEN);
    }

    @Test
    void theBulkheadRejectsCallsBeyondItsSizeWithoutWaiting() throws Exception {
        CallPolicy p = policy().maxConcurrent(2).build();
        CountDownLatch inside = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        List<CompletableFuture<Integer>> running = new ArrayList<>();
        var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
        for (int i = 0; i < 2; i++) {
            running.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return p.call(in(Duration.ofSeconds(30)), true, t -> {
                        inside.countDown();
                        release.await();
                        return 200;
                    }, CallPolicyTest::http);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, threads));
        }
        assertThat(inside.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(p.inFlight()).isEqualTo(2);

        assertThatThrownBy(() -> p.call(in(Duration.ofSeconds(30)), true, answers(200), CallPolicyTest::http))
                .isInstanceOf(CallRejected.class)
                .satisfies(e -> assertThat(((CallRejected) e).reason()).isEqualTo(CallRejected.Reason.BULKHEAD_FULL));
        release.countDown();
        for (var f : running) {
            assertThat(f.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(200);
        }
        threads.close();
        assertThat(p.inFlight()).isZero();
    }

    @Test
    void theThrottleWaitsForEnoughRequestsBeforeRejecting() {
        AdaptiveThrottle throttle = new AdaptiveThrottle(clock, 2, Duration.ofMinutes(2), 20, new Random(3));
        for (int i = 0; i < 19; i++) {
            assertThat(throttle.allow()).isTrue();
        }
        assertThat(throttle.rejectProbability()).isZero();
        throttle.allow();
        assertThat(throttle.rejectProbability()).isCloseTo(20.0 / 21, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void throttlingFollowsTheSreFormula() {
        AdaptiveThrottle throttle = new AdaptiveThrottle(clock, 2, Duration.ofMinutes(2), 0, new Random(3));
        assertThat(throttle.rejectProbability()).isZero();
        int allowed = 0;
        for (int i = 0; i < 1000; i++) {
            if (throttle.allow()) {
                allowed++;
            }
        }
        // Nothing accepted: the probability climbs to 1000/1001, so only the first few get through.
        assertThat(throttle.rejectProbability()).isCloseTo(1000.0 / 1001, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(allowed).isBetween(1, 30);

        for (int i = 0; i < 500; i++) {
            throttle.accepted();
        }
        assertThat(throttle.rejectProbability()).as("requests <= K x accepts").isZero();

        clock.advance(Duration.ofMinutes(2));
        assertThat(throttle.rejectProbability()).as("the window has passed").isZero();
    }

    @Test
    void aDependencyRefusingForOverloadGetsThrottledLocally() throws Exception {
        CallPolicy p = policy().maxAttempts(1).breaker(null)
                .throttle(new AdaptiveThrottle(clock, 2, Duration.ofMinutes(2), 20, new Random(5))).build();
        int rejected = 0;
        for (int i = 0; i < 200; i++) {
            try {
                p.call(in(Duration.ofSeconds(5)), true, answers(429), CallPolicyTest::http);
            } catch (CallRejected e) {
                assertThat(e.reason()).isEqualTo(CallRejected.Reason.THROTTLED);
                rejected++;
            }
        }
        assertThat(rejected).isGreaterThan(140);
        assertThat(timeouts).hasSize(200 - rejected);
    }

    @Test
    void afterAnOutageTheBreakersProbesAreNotThrottledAndClosingItClearsTheThrottle() throws Exception {
        CallPolicy p = policy().maxAttempts(1).retryBudget(null)
                .throttle(AdaptiveThrottle.standard(clock, new Random(9)))
                .breaker(CircuitBreakerConfig.custom().slidingWindow(10, 10, CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                        .failureRateThreshold(50).waitDurationInOpenState(Duration.ofSeconds(1)).permittedNumberOfCallsInHalfOpenState(3))
                .build();
        // The outage: every answer is 503 until the breaker opens; calls refused while it is open are not counted.
        for (int i = 0; i < 50; i++) {
            try {
                p.call(in(Duration.ofSeconds(5)), true, answers(503), CallPolicyTest::http);
            } catch (CallRejected e) {
                assertThat(e.reason()).isIn(CallRejected.Reason.CIRCUIT_OPEN, CallRejected.Reason.THROTTLED);
            }
        }
        assertThat(p.breakerState()).isEqualTo(CircuitBreaker.State.OPEN);

        // The provider is back: the three probes go through unthrottled, close the breaker, and calls flow again.
        clock.advance(Duration.ofSeconds(1).plusMillis(1));
        timeouts.clear();
        for (int i = 0; i < 20; i++) {
            assertThat(p.call(in(Duration.ofSeconds(5)), true, answers(200), CallPolicyTest::http)).isEqualTo(200);
        }
        assertThat(p.breakerState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(timeouts).hasSize(20);
    }

    @Test
    void retriesOfFailedWorkDoNotFillTheThrottleBeforeTheBreakerHasJudged() throws Exception {
        // ProviderOutageTest's race: fresh calls arrive one at a time while the jobs that failed retry quickly.
        // Counted by the throttle, those retries crossed its 20 requests before the breaker had 10 fresh failures;
        // the throttle then refused most fresh calls, the breaker never opened, and recovery waited for the
        // throttle's two-minute window.
        AdaptiveThrottle throttle = AdaptiveThrottle.standard(clock, new Random(11));
        CallPolicy p = policy().maxAttempts(1).retryBudget(null).throttle(throttle)
                .breaker(CircuitBreakerConfig.custom().slidingWindow(10, 10, CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                        .failureRateThreshold(50).waitDurationInOpenState(Duration.ofSeconds(1)))
                .build();
        for (int fresh = 0; fresh < 10; fresh++) {
            p.call(in(Duration.ofSeconds(5)), true, answers(503), CallPolicyTest::http);
            for (int retry = 0; retry < 3; retry++) {
                try {
                    p.callAgain(in(Duration.ofSeconds(5)), true, answers(503), CallPolicyTest::http);
                } catch (CallRejected e) {
                    assertThat(e.reason()).isEqualTo(CallRejected.Reason.CIRCUIT_OPEN);
                }
            }
        }
        assertThat(p.breakerState()).as("ten fresh failures opened the breaker").isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(throttle.rejectProbability()).as("the retries did not count; opening the breaker cleared the rest").isZero();
    }
}
