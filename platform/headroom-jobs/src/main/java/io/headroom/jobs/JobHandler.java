package io.headroom.jobs;

/**
 * Runs one kind of job. Delivery is at least once: the same job may run again after a crash, a lost lease or
 * a timeout, so effects must be idempotent ({@link IdempotentEffects} for database effects, {@link Job#key()}
 * as the idempotency key for external ones).
 *
 * <p>Returning normally completes the job. Throwing retries it with backoff until its attempts are used up;
 * throwing {@link PermanentJobFailure} dead-letters it at once. A handler that overruns its timeout is
 * interrupted and counts as failed.
 */
@FunctionalInterface
public interface JobHandler {

    void handle(Job job, JobContext context) throws Exception;
}
