package io.headroom.app.ops.jobs;

import io.headroom.app.ops.JobDeadLettered;
import io.headroom.jobs.Job;
import io.headroom.jobs.JobEvents;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;

/** What the app hears from the queue: every event goes to the metrics, and dead letters also to the modules. */
final class AppJobEvents implements JobEvents {

    private static final Logger log = LoggerFactory.getLogger(AppJobEvents.class);

    private final JobMetrics metrics;
    private final ApplicationEventPublisher publisher;

    AppJobEvents(JobMetrics metrics, ApplicationEventPublisher publisher) {
        this.metrics = metrics;
        this.publisher = publisher;
    }

    @Override
    public void claimed(String queue, int count) {
        metrics.claimed(queue, count);
    }

    @Override
    public void completed(Job job, Duration took) {
        metrics.completed(job, took);
    }

    @Override
    public void retried(Job job, Throwable cause, Instant nextRunAt) {
        metrics.retried(job, cause, nextRunAt);
    }

    @Override
    public void postponed(Job job, String reason, Instant nextRunAt) {
        metrics.postponed(job, reason, nextRunAt);
    }

    @Override
    public void deadLettered(Job job, String reason) {
        metrics.deadLettered(job, reason);
        try {
            publisher.publishEvent(new JobDeadLettered(job, reason));
        } catch (RuntimeException e) {
            // The job is dead-lettered either way; a listener that failed is logged, and the worker goes on.
            log.error("a listener for dead-lettered job {} ({}, tenant {}) failed, the job stays dead-lettered: {}", job.id(), job.kind(),
                    job.tenant(), e.getMessage(), e);
        }
    }

    @Override
    public void leasesExpired(String queue, int requeued, int deadLettered) {
        metrics.leasesExpired(queue, requeued, deadLettered);
    }

    @Override
    public void failed(String operation, Throwable cause) {
        metrics.failed(operation, cause);
    }
}
