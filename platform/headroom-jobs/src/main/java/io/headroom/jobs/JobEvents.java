package io.headroom.jobs;

import java.time.Duration;
import java.time.Instant;

/**
 * Listener for what the queue does, for metrics and logs. Called on worker threads; implementations must be
 * thread-safe and quick. Every method has a no-op default.
 */
public interface JobEvents {

    JobEvents NONE = new JobEvents() {
    };

    default void claimed(String queue, int count) {
    }

    default void completed(Job job, Duration took) {
    }

    default void retried(Job job, Throwable cause, Instant nextRunAt) {
    }

    default void deadLettered(Job job, String reason) {
    }

    /** The handler postponed the job ({@link PostponeJob}): pending again at {@code nextRunAt}, its attempt given back. */
    default void postponed(Job job, String reason, Instant nextRunAt) {
    }

    /** Leases that expired (their worker stopped heartbeating): requeued, or dead-lettered when out of attempts. */
    default void leasesExpired(String queue, int requeued, int deadLettered) {
    }

    /** A queue operation failed; the worker carries on and retries it later. */
    default void failed(String operation, Throwable cause) {
    }
}
