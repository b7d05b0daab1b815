package io.headroom.jobs;

import java.time.Instant;

/**
 * Selects dead jobs for {@link JobQueue#replay(DeadJobFilter)}; null fields match everything.
 *
 * @param queue      required
 * @param diedAfter  only jobs that died at or after this instant
 */
public record DeadJobFilter(String queue, String tenant, String kind, Instant diedAfter) {

    public DeadJobFilter {
        if (queue == null || queue.isBlank()) {
            throw new IllegalArgumentException("a replay filter needs a queue");
        }
    }
}
