package io.headroom.jobs;

import java.time.Instant;

/**
 * A dead-lettered job.
 *
 * @param errors the attempt history: a JSON array of {@code {attempt, at, error}}
 */
public record DeadJob(long id, String queue, String tenant, String kind, String payload, String dedupKey, int attempts,
                      int maxAttempts, Instant enqueuedAt, Instant diedAt, String lastError, String errors) {
}
