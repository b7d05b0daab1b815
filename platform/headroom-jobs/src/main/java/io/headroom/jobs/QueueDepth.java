package io.headroom.jobs;

import java.time.Duration;

/**
 * One queue and tenant's backlog.
 *
 * @param ready          pending jobs whose run_at has passed
 * @param scheduled      pending jobs waiting for a later run_at (retries, delayed jobs)
 * @param running        leased jobs
 * @param oldestReadyAge how long the oldest ready job has been waiting: backlog is stored latency
 */
public record QueueDepth(String queue, String tenant, long ready, long scheduled, long running, Duration oldestReadyAge) {
}
