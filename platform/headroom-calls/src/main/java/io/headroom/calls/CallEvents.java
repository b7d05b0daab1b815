package io.headroom.calls;

import java.time.Duration;

/** What a {@link CallPolicy} does, for metrics and logs. Called on the calling thread; must be quick. */
public interface CallEvents {

    CallEvents NONE = new CallEvents() {
    };

    /** One attempt ended: with a verdict, or with an exception ({@code verdict} null). */
    default void attempted(String dependency, int attempt, Verdict verdict, Throwable failure, Duration latency) {
    }

    /** A retry is scheduled after {@code delay}. */
    default void retrying(String dependency, int nextAttempt, Duration delay) {
    }

    /** A retry was wanted but the retry budget had none left. */
    default void budgetExhausted(String dependency) {
    }

    default void rejected(String dependency, CallRejected.Reason reason) {
    }

    /** The circuit breaker moved, e.g. from {@code CLOSED} to {@code OPEN}. */
    default void breakerTransition(String dependency, String from, String to) {
    }
}
