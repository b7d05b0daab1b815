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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The queue's events as Micrometer counters and timers, and its backlog as gauges. Gauges are refreshed by
 * {@link #sample(JobQueue)} on a timer, not per scrape, so a scrape never runs the depth query. Tenant labels are
 * bounded: the ten tenants with the deepest backlog per queue keep their name, the rest are summed as {@code other}.
 */
class JobMetrics implements JobEvents {

    static final int TOP_TENANTS = 10;
    private static final System.Logger LOG = System.getLogger(JobMetrics.class.getName());

    private final MeterRegistry registry;
    private final Clock clock;
    private final MultiGauge depth;
    private final MultiGauge oldestAge;
    private final MultiGauge deadLetters;
    private final MultiGauge deadTuples;
    /** Meters by name and tags: registering looks them up in the registry, too slow to repeat for every job. */
    private final Map<List<String>, Counter> counters = new ConcurrentHashMap<>();
    private final Map<List<String>, Timer> timers = new ConcurrentHashMap<>();

    JobMetrics(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
        this.depth = MultiGauge.builder("headroom.jobs.depth").description("Unfinished jobs by queue, tenant and state").register(registry);
        this.oldestAge = MultiGauge.builder("headroom.jobs.oldest.ready.age").baseUnit("seconds")
                .description("How long the oldest ready job has waited, by queue and tenant").register(registry);
        this.deadLetters = MultiGauge.builder("headroom.jobs.dead.letters").description("Dead-lettered jobs by queue").register(registry);
        this.deadTuples = MultiGauge.builder("headroom.jobs.table.dead.tuples").description("Dead tuples per queue table").register(registry);
    }

    @Override
    public void claimed(String queue, int count) {
        counter("headroom.jobs.claimed", "queue", queue).increment(count);
    }

    @Override
    public void completed(Job job, Duration took) {
        counter("headroom.jobs.completed", "queue", job.queue(), "kind", job.kind()).increment();
        timer("headroom.jobs.duration", "queue", job.queue(), "kind", job.kind()).record(took);
        timer("headroom.jobs.queue.wait", "queue", job.queue())
                .record(Duration.between(job.enqueuedAt(), clock.instant()).minus(took));
    }

    @Override
    public void retried(Job job, Throwable cause, Instant nextRunAt) {
        counter("headroom.jobs.failed", "queue", job.queue(), "kind", job.kind(), "outcome", "retry").increment();
    }

    @Override
    public void postponed(Job job, String reason, Instant nextRunAt) {
        counter("headroom.jobs.postponed", "queue", job.queue(), "kind", job.kind()).increment();
    }

    @Override
    public void deadLettered(Job job, String reason) {
        counter("headroom.jobs.failed", "queue", job.queue(), "kind", job.kind(), "outcome", "dead_letter").increment();
    }

    @Override
    public void leasesExpired(String queue, int requeued, int deadLettered) {
        counter("headroom.jobs.lease.expired", "queue", queue).increment(requeued + deadLettered);
    }

    @Override
    public void failed(String operation, Throwable cause) {
        String op = operation.startsWith("record outcome") ? "record outcome" : operation;
        counter("headroom.jobs.operation.errors", "operation", op).increment();
    }

    private Counter counter(String name, String... tags) {
        return counters.computeIfAbsent(key(name, tags), k -> Counter.builder(name).tags(tags).register(registry));
    }

    private Timer timer(String name, String... tags) {
        return timers.computeIfAbsent(key(name, tags), k -> Timer.builder(name).tags(tags).register(registry));
    }

    private static List<String> key(String name, String... tags) {
        List<String> key = new ArrayList<>(tags.length + 1);
        key.add(name);
        key.addAll(List.of(tags));
        return key;
    }

    /**
     * Refreshes the gauges from the database. Every queue in {@code known} has rows even while empty (zeros under
     * tenant {@code other}), so a dashboard shows 0 rather than no data.
     */
    void sample(JobQueue queue, java.util.Collection<String> known) {
        try {
            List<MultiGauge.Row<?>> depthRows = new ArrayList<>();
            List<MultiGauge.Row<?>> ageRows = new ArrayList<>();
            Map<String, List<QueueDepth>> byQueue = new HashMap<>();
            for (QueueDepth d : queue.depth()) {
                byQueue.computeIfAbsent(d.queue(), q -> new ArrayList<>()).add(d);
            }
            for (String q : known) {
                if (!byQueue.containsKey(q)) {
                    addDepth(depthRows, q, "other", 0, 0, 0);
                    ageRows.add(MultiGauge.Row.of(Tags.of("queue", q, "tenant", "other"), 0.0));
                }
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
            Map<String, Long> dead = new HashMap<>(queue.deadLetterCounts());
            known.forEach(q -> dead.putIfAbsent(q, 0L));
            dead.forEach((q, n) -> deadRows.add(MultiGauge.Row.of(Tags.of("queue", q), n)));
            deadLetters.register(deadRows, true);
            List<MultiGauge.Row<?>> tupleRows = new ArrayList<>();
            for (TableHealth t : queue.tableHealth()) {
                tupleRows.add(MultiGauge.Row.of(Tags.of("table", t.table()), t.deadTuples()));
            }
            deadTuples.register(tupleRows, true);
        } catch (Exception e) {
            failed("sample metrics", e);
            LOG.log(System.Logger.Level.WARNING, "sampling the job queue for metrics (depth, dead letters, table health) failed; the headroom_jobs_* gauges keep their last values: {0}", e.getMessage());
        }
    }

    private static void addDepth(List<MultiGauge.Row<?>> rows, String queue, String tenant, long ready, long scheduled, long running) {
        rows.add(MultiGauge.Row.of(Tags.of("queue", queue, "tenant", tenant, "state", "ready"), ready));
        rows.add(MultiGauge.Row.of(Tags.of("queue", queue, "tenant", tenant, "state", "scheduled"), scheduled));
        rows.add(MultiGauge.Row.of(Tags.of("queue", queue, "tenant", tenant, "state", "running"), running));
    }
}
