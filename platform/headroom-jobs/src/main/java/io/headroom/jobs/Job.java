package io.headroom.jobs;

import java.time.Instant;

/**
 * A claimed job, as its handler sees it.
 *
 * @param attempt this attempt's number, from 1; counted when the job was claimed
 */
public record Job(long id, String queue, String tenant, String kind, String payload, String dedupKey, int priority,
                  int attempt, int maxAttempts, String traceParent, Instant enqueuedAt) {

    /**
     * The job's idempotency key: stable across redeliveries and replays. Hand it to external providers as their
     * idempotency key, and to {@link IdempotentEffects} for database effects.
     */
    public String key() {
        return dedupKey != null ? queue + ":" + dedupKey : queue + ":job:" + id;
    }

    /** Whether this is the last attempt before the job is dead-lettered. */
    public boolean lastAttempt() {
        return attempt >= maxAttempts;
    }
}
