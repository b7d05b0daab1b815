package io.headroom.app.ops.jobs;

import io.headroom.jobs.Job;
import io.headroom.jobs.JobEvents;
import io.headroom.jobs.JobQueue;
import io.headroom.jobs.QueueDepth;
import io.headroom.jobs.TableHealth;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The queue's events as Micrometer counters and timers, and its backlog as gauges. Gauges are refreshed by
 * {@link #sample(JobQueue)} on a timer, not per scrape, so a scrape never runs the depth query. Tenant labels are
 * bounded: the ten tenants with the deepest backlog per queue keep their name, the rest are summed as {@code other}.
 */
class JobMetrics implements JobEvents {

    static final int TOP_TENANTS = 10;
    private static final System.Logger LOG = System.getLogger(JobMetrics.class.getName());

    private final MeterRegistry registry;
    private final MultiGauge depth;
    private final MultiGauge oldestAge;
    private final MultiGauge deadLetters;
    private final MultiGauge deadTuples;

    JobMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.depth = MultiGauge.builder("headroom.jobs.depth").description("Unfinished jobs by queue, tenant and state").register(registry);
        this.oldestAge = MultiGauge.builder("headroom.jobs.oldest.ready.age").baseUnit("seconds")
                .description("How long the oldest ready job has waited, by queue and tenant").register(registry);
        this.deadLetters = MultiGauge.builder("headroom.jobs.dead.letters").description("Dead-lettered jobs by queue").register(registry);
        this.deadTuples = MultiGauge.builder("headroom.jobs.table.dead.tuples").description("Dead tuples per queue table").register(registry);
    }

    @Override
    public void claimed(String queue, int count) {
        Counter.builder("headroom.jobs.claimed").tag("queue", queue).register(registry).increment(count);
    }

    @Override
    public void completed(Job job, Duration took) {
        Counter.builder("headroom.jobs.completed").tags(jobTags(job)).register(registry).increment();
        Timer.builder("headroom.jobs.duration").tags(jobTags(job)).register(registry).record(took);
        Timer.builder("headroom.jobs.queue.wait").tag("queue", job.queue()).register(registry)
                .record(Duration.between(job.enqueuedAt(), Instant.now()).minus(took));
    }

    @Override
    public void retried(Job job, Throwable cause, Instant nextRunAt) {
        Counter.builder("headroom.jobs.failed").tags(jobTags(job)).tag("outcome", "retry").register(registry).increment();
    }

    @Override
    public void deadLettered(Job job, String reason) {
        Counter.builder("headroom.jobs.failed").tags(jobTags(job)).tag("outcome", "dead_letter").register(registry).increment();
    }

    @Override
    public void leasesExpired(String queue, int requeued, int deadLettered) {
        Counter.builder("headroom.jobs.lease.expired").tag("queue", queue).register(registry).increment(requeued + deadLettered);
    }

    @Override
    public void failed(String operation, Throwable cause) {
        String op = operation.startsWith("record outcome") ? "record outcome" : operation;
        Counter.builder("headroom.jobs.operation.errors").tag("operation", op).register(registry).increment();
    }

    private static Tags jobTags(Job job) {
        return Tags.of("queue", job.queue(), "kind", job.kind());
    }

    /** Refreshes the gauges from the database. */
    void sample(JobQueue queue) {
        try {
            List<MultiGauge.Row<?>> depthRows = new ArrayList<>();
            List<MultiGauge.Row<?>> ageRows = new ArrayList<>();
            Map<String, List<QueueDepth>> byQueue = new HashMap<>();
            for (QueueDepth d : queue.depth()) {
                byQueue.computeIfAbsent(d.queue(), q -> new ArrayList<>()).add(d);
            }
            byQueue.forEach((queueName, rows) -> {
                rows.sort(Comparator.comparingLong((QueueDepth d) -> d.ready() + d.scheduled() + d.running()).reversed());
                long[] other = new long[3];
                Duration otherAge = Duration.ZERO;
                for (int i = 0; i < rows.size(); i++) {
                    QueueDepth d = rows.get(i);
                    if (i < TOP_TENANTS) {
                        addDepth(depthRows, queueName, d.tenant(), d.ready(), d.scheduled(), d.running());
                        ageRows.add(MultiGauge.Row.of(Tags.of("queue", queueName, "tenant", d.tenant()), d.oldestReadyAge().toMillis() / 1000.0));
                    } else {
                        other[0] += d.ready();
                        other[1] += d.scheduled();
                        other[2] += d.running();
                        otherAge = d.oldestReadyAge().compareTo(otherAge) > 0 ? d.oldestReadyAge() : otherAge;
                    }
                }
                if (rows.size() > TOP_TENANTS) {
                    addDepth(depthRows, queueName, "other", other[0], other[1], other[2]);
                    ageRows.add(MultiGauge.Row.of(Tags.of("queue", queueName, "tenant", "other"), otherAge.toMillis() / 1000.0));
                }
            });
            depth.register(depthRows, true);
            oldestAge.register(ageRows, true);
            List<MultiGauge.Row<?>> deadRows = new ArrayList<>();
            queue.deadLetterCounts().forEach((q, n) -> deadRows.add(MultiGauge.Row.of(Tags.of("queue", q), n)));
            deadLetters.register(deadRows, true);
            List<MultiGauge.Row<?>> tupleRows = new ArrayList<>();
            for (TableHealth t : queue.tableHealth()) {
                tupleRows.add(MultiGauge.Row.of(Tags.of("table", t.table()), t.deadTuples()));
            }
            deadTuples.register(tupleRows, true);
        } catch (Exception e) {
            failed("sample metrics", e);
            LOG.log(System.Logger.Level.WARNING, "sampling the job queue for metrics failed: {0}", e.getMessage());
        }
    }

    private static void addDepth(List<MultiGauge.Row<?>> rows, String queue, String tenant, long ready, long scheduled, long running) {
        rows.add(MultiGauge.Row.of(Tags.of("queue", queue, "tenant", tenant, "state", "ready"), ready));
        rows.add(MultiGauge.Row.of(Tags.of("queue", queue, "tenant", tenant, "state", "scheduled"), scheduled));
        rows.add(MultiGauge.Row.of(Tags.of("queue", queue, "tenant", tenant, "state", "running"), running));
    }
}
