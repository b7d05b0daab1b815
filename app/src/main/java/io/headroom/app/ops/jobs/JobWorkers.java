package io.headroom.app.ops.jobs;

import io.headroom.admission.Deadline;
import io.headroom.app.ops.DatabasePools;
import io.headroom.app.ops.tracing.Traceparents;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.headroom.jobs.JobEvents;
import io.headroom.jobs.JobHandler;
import io.headroom.jobs.JobQueue;
import io.headroom.jobs.JobRegistration;
import io.headroom.jobs.JobWorker;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.context.SmartLifecycle;

/**
 * One {@link JobWorker} per queue that has registrations, started after the web server (late phase) and stopped
 * before it, each with the configured grace; plus the metrics sampler.
 */
class JobWorkers implements SmartLifecycle {

    private final JobQueue queue;
    private final List<JobRegistration> registrations;
    private final JobEvents events;
    private final JobMetrics metrics;
    private final JobsProperties properties;
    private final Tracer tracer;
    private final List<JobWorker> workers = new ArrayList<>();
    private ScheduledExecutorService sampler;
    private volatile boolean running;

    JobWorkers(JobQueue queue, List<JobRegistration> registrations, JobEvents events, JobMetrics metrics, JobsProperties properties,
               Tracer tracer) {
        this.tracer = tracer;
        this.queue = queue;
        this.registrations = registrations;
        this.events = events;
        this.metrics = metrics;
        this.properties = properties;
    }

    @Override
    public synchronized void start() {
        if (properties.isWorkersEnabled()) {
            Map<String, JobWorker.Builder> builders = new LinkedHashMap<>();
            for (JobRegistration r : registrations) {
                builders.computeIfAbsent(r.queue(), q -> JobWorker.builder(queue, q).events(events)).handler(r.kind(), instrumented(r.queue(), r.handler()));
            }
            properties.getQueueConcurrency().forEach((name, n) -> {
                JobWorker.Builder b = builders.get(name);
                if (b == null) {
                    throw new IllegalStateException("headroom.jobs.queue-concurrency names queue '" + name
                            + "', which has no handlers here (queues: " + builders.keySet() + ")");
                }
                b.concurrency(n);
            });
            builders.values().forEach(b -> workers.add(b.build().start()));
        }
        sampler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("jobs-metrics").factory());
        long every = properties.getSampleInterval().toMillis();
        List<String> queues = registrations.stream().map(JobRegistration::queue).distinct().toList();
        sampler.scheduleWithFixedDelay(() -> metrics.sample(queue, queues), 0, every, TimeUnit.MILLISECONDS);
        running = true;
    }

    /**
     * A job carries its own deadline (its handler timeout): SQL and outbound calls in the handler take what is
     * left. Its database work draws from the job workers' pool, or the reports pool for the reports queue, and it
     * runs in a span that continues the trace of the request that enqueued it.
     */
    private JobHandler instrumented(String queueName, JobHandler handler) {
        DatabasePools.Workload workload = queueName.equals("reports") ? DatabasePools.Workload.REPORTS : DatabasePools.Workload.JOBS;
        return (job, context) -> {
            Span span = Traceparents.startChildOf(tracer, job.traceParent(), "job " + job.kind())
                    .tag("job.id", Long.toString(job.id())).tag("job.queue", job.queue()).tag("job.attempt", Integer.toString(job.attempt()))
                    .tag("job.queue.wait.ms", Long.toString(Math.max(0, java.time.Duration.between(job.enqueuedAt(), java.time.Instant.now()).toMillis())));
            try (Deadline.Scope bound = new Deadline(context.deadline()).bind(); Deadline.Scope pool = DatabasePools.use(workload);
                 Tracer.SpanInScope scope = tracer.withSpan(span)) {
                handler.handle(job, context);
            } catch (Exception e) {
                span.error(e);
                throw e;
            } finally {
                span.end();
            }
        };
    }

    @Override
    public synchronized void stop() {
        workers.parallelStream().forEach(w -> w.stop(properties.getStopGrace()));
        workers.clear();
        if (sampler != null) {
            sampler.shutdownNow();
        }
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 2048;
    }
}
