package io.headroom.jobs;

import io.headroom.jobs.internal.Jdbc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * The producer's and operator's side of the queue: enqueue on the caller's transaction, inspect, replay
 * dead jobs, and the maintenance that keeps the tables small (expired leases, generation rotation, purging).
 * Workers are {@link JobWorker}s. Thread-safe.
 *
 * <p>Time comes from the injected {@link Clock}, never from the database, so leases, backoff and rotation can
 * be driven by a test clock; processes sharing a queue need clocks that agree to well within a lease.
 */
public final class JobQueue {

    static final String CHANNEL = "headroom_jobs";
    private static final int GENERATIONS = 3;
    private static final long ROTATION_LOCK = 0x4A6F6273526FL; // "JobsRo"
    private static final int PURGE_BATCH = 1_000;
    /**
     * Rotation copies the oldest generation's unfinished jobs forward; past this many it would copy more than it
     * saves (a deep delayed backlog would be copied every interval), so it waits and ordinary vacuum does the work.
     */
    static final int ROTATION_MOVE_LIMIT = 10_000;
    /** How long a tenant's pending count may be served from memory before it is counted again, near the cap... */
    static final Duration COUNT_REFRESH = Duration.ofSeconds(1);
    /** ...and while the estimate is below half the cap. */
    static final Duration COUNT_REFRESH_FAR_BELOW_CAP = Duration.ofSeconds(60);
    /**
     * A process sends at most one NOTIFY per queue and tenant in this window. Every notifying commit takes PostgreSQL's global
     * notify-queue lock, which serialises committers: measured on 2 cores, enqueue fell from 6,300 to 4,500 jobs/s with a
     * NOTIFY per job. A worker that ran jobs checks again within {@link JobWorker#RECHECK_AFTER_WORK} (longer than this
     * window), so a skipped notification delays a job by that much at most.
     */
    static final Duration NOTIFY_DEBOUNCE = Duration.ofMillis(25);

    private static final System.Logger LOG = System.getLogger(JobQueue.class.getName());

    private final DataSource dataSource;
    private final JobsConfig config;
    private final Clock clock;
    private final JobEvents events;
    private final Map<String, PendingCount> pendingCounts = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastNotified = new ConcurrentHashMap<>();
    /** The per-tenant maps above drop their stale entries once they hold this many, so many tenants cost no leak. */
    private static final int PRUNE_ABOVE = 10_000;

    public JobQueue(DataSource dataSource, JobsConfig config, Clock clock, JobEvents events) {
        this.dataSource = dataSource;
        this.config = config;
        this.clock = clock;
        this.events = events;
    }

    public JobsConfig config() {
        return config;
    }

    Clock clock() {
        return clock;
    }

    DataSource dataSource() {
        return dataSource;
    }

    /**
     * Enqueues on the caller's connection, inside the caller's transaction: the job exists if and only if that
     * transaction commits. With NOTIFY on, idle workers wake when it does.
     *
     * @throws TenantQueueFullException when the tenant is at its pending cap on this queue (nothing written)
     */
    public Enqueued enqueue(Connection transaction, NewJob job) throws SQLException {
        // Before the dedup key is taken, so that a refused enqueue leaves no key behind in a transaction the caller
        // commits anyway; a duplicate therefore counts towards the cap estimate (which errs towards refusing).
        checkTenantCap(transaction, job.queue(), job.tenant());
        Instant now = clock.instant();
        Long id = null;
        if (job.dedupKey() != null) {
            try (PreparedStatement claimKey = transaction.prepareStatement("""
                    INSERT INTO jobs.dedup (queue, dedup_key, job_id) VALUES (?, ?, nextval('jobs.job_id_seq'))
                    ON CONFLICT DO NOTHING RETURNING job_id""")) {
                claimKey.setString(1, job.queue());
                claimKey.setString(2, job.dedupKey());
                try (ResultSet rs = claimKey.executeQuery()) {
                    if (rs.next()) {
                        id = rs.getLong(1);
                    }
                }
            }
            if (id == null) {
                // Uses the primary key of jobs.dedup.
                try (PreparedStatement existing = transaction.prepareStatement(
                        "SELECT job_id FROM jobs.dedup WHERE queue = ? AND dedup_key = ?")) {
                    existing.setString(1, job.queue());
                    existing.setString(2, job.dedupKey());
                    try (ResultSet rs = existing.executeQuery()) {
                        rs.next();
                        return new Enqueued(rs.getLong(1), true);
                    }
                }
            }
        }
        // NOTIFY rides on the insert (one round trip) and is delivered at commit; debounced per queue and tenant.
        String notify = config.wakeOnNotify() && notifyDue(job.queue() + "\n" + job.tenant(), now)
                ? ", pg_notify('" + CHANNEL + "', queue || chr(10) || tenant)" : "";
        try (PreparedStatement insert = transaction.prepareStatement("""
                WITH inserted AS (
                    INSERT INTO jobs.job (id, generation, queue, tenant, kind, payload, dedup_key, priority, state, run_at,
                                          attempts, max_attempts, trace_parent, enqueued_at)
                    VALUES (coalesce(?, nextval('jobs.job_id_seq')), (SELECT current_generation FROM jobs.rotation),
                            ?, ?, ?, ?::jsonb, ?, ?, 'pending', ?, 0, ?, ?, ?)
                    RETURNING id, queue, tenant)
                SELECT id%s FROM inserted""".formatted(notify))) {
            insert.setObject(1, id);
            insert.setString(2, job.queue());
            insert.setString(3, job.tenant());
            insert.setString(4, job.kind());
            insert.setString(5, job.payload());
            insert.setString(6, job.dedupKey());
            insert.setShort(7, (short) job.priority());
            insert.setTimestamp(8, Timestamp.from(job.runAt() == null ? now : job.runAt()));
            insert.setInt(9, job.maxAttempts() == null ? config.defaultMaxAttempts() : job.maxAttempts());
            insert.setString(10, job.traceParent());
            insert.setTimestamp(11, Timestamp.from(now));
            try (ResultSet rs = insert.executeQuery()) {
                rs.next();
                id = rs.getLong(1);
            }
        }
        return new Enqueued(id, false);
    }

    private boolean notifyDue(String queueAndTenant, Instant now) {
        if (lastNotified.size() > PRUNE_ABOVE) {
            lastNotified.values().removeIf(at -> at.isBefore(now.minus(NOTIFY_DEBOUNCE)));
        }
        boolean[] due = {false};
        lastNotified.compute(queueAndTenant, (q, last) -> {
            if (last == null || !now.isBefore(last.plus(NOTIFY_DEBOUNCE))) {
                due[0] = true;
                return now;
            }
            return last;
        });
        return due[0];
    }

    /**
     * The cap is checked against a count kept in memory and recounted from the table at most once per
     * {@link #COUNT_REFRESH} near the cap (once per {@link #COUNT_REFRESH_FAR_BELOW_CAP} below half of it), so enqueue
     * costs no count on the hot path; the cap is exact within one process and may be overshot by what other processes
     * enqueue within one refresh.
     */
    private void checkTenantCap(Connection transaction, String queue, String tenant) throws SQLException {
        Instant now = clock.instant();
        if (pendingCounts.size() > PRUNE_ABOVE) {
            pendingCounts.values().removeIf(c -> c.countedAt.isBefore(now.minus(COUNT_REFRESH_FAR_BELOW_CAP)));
        }
        PendingCount count = pendingCounts.compute(queue + "\u0000" + tenant, (key, current) ->
                current == null || current.due(now, config.tenantPendingCap()) ? null : current);
        if (count == null) {
            // Counts at most cap+1 entries of the claim index instead of all of a large backlog.
            try (PreparedStatement select = transaction.prepareStatement("""
                    SELECT count(*) FROM (SELECT 1 FROM jobs.job WHERE queue = ? AND tenant = ? AND state = 'pending' LIMIT ?) capped""")) {
                select.setString(1, queue);
                select.setString(2, tenant);
                select.setInt(3, config.tenantPendingCap() + 1);
                try (ResultSet rs = select.executeQuery()) {
                    rs.next();
                    count = new PendingCount(rs.getInt(1), now);
                }
            }
            pendingCounts.put(queue + "\u0000" + tenant, count);
        }
        synchronized (count) {
            if (count.pending >= config.tenantPendingCap()) {
                throw new TenantQueueFullException(queue, tenant, config.tenantPendingCap());
            }
            count.pending++;
        }
    }

    private static final class PendingCount {
        int pending;
        final Instant countedAt;

        PendingCount(int pending, Instant countedAt) {
            this.pending = pending;
            this.countedAt = countedAt;
        }

        /**
         * Whether to count again. The estimate only grows (completions are not subtracted), so it errs towards refusing.
         * Far below the cap the count does not matter and is refreshed rarely: counting walks the tenant's range of the
         * claim index, dead entries included, which under a held snapshot made it the costliest part of enqueue.
         */
        synchronized boolean due(Instant now, int cap) {
            Duration every = pending * 2 >= cap ? COUNT_REFRESH : COUNT_REFRESH_FAR_BELOW_CAP;
            return !now.isBefore(countedAt.plus(every));
        }
    }

    /**
     * Moves a dead job back to pending with its attempts reset (its history kept).
     *
     * @return false if there is no such dead job
     * @throws IllegalStateException if an unfinished job with the same dedup key exists
     */
    public boolean replay(long id) throws SQLException {
        return Jdbc.inTransaction(dataSource, c -> replayInTransaction(c, id));
    }

    /** Replays every dead job the filter selects, each in its own transaction; returns how many were replayed. */
    public int replay(DeadJobFilter filter) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement select = c.prepareStatement("""
                SELECT id FROM jobs.dead_job
                WHERE queue = ? AND (?::text IS NULL OR tenant = ?) AND (?::text IS NULL OR kind = ?)
                  AND (?::timestamptz IS NULL OR died_at >= ?)
                ORDER BY died_at""")) {
            select.setString(1, filter.queue());
            select.setString(2, filter.tenant());
            select.setString(3, filter.tenant());
            select.setString(4, filter.kind());
            select.setString(5, filter.kind());
            Timestamp after = filter.diedAfter() == null ? null : Timestamp.from(filter.diedAfter());
            select.setTimestamp(6, after);
            select.setTimestamp(7, after);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        int replayed = 0;
        for (long id : ids) {
            try {
                if (replay(id)) {
                    replayed++;
                }
            } catch (IllegalStateException dedupTaken) {
                LOG.log(System.Logger.Level.WARNING, "not replaying dead job {0}: {1}", id, dedupTaken.getMessage());
            }
        }
        return replayed;
    }

    private boolean replayInTransaction(Connection c, long id) throws SQLException {
        String queue;
        String dedupKey;
        String tenant;
        try (PreparedStatement revive = c.prepareStatement("""
                WITH revived AS (DELETE FROM jobs.dead_job WHERE id = ? RETURNING *)
                INSERT INTO jobs.job (id, generation, queue, tenant, kind, payload, dedup_key, priority, state, run_at,
                                      attempts, max_attempts, trace_parent, enqueued_at, errors)
                SELECT id, (SELECT current_generation FROM jobs.rotation), queue, tenant, kind, payload, dedup_key, priority,
                       'pending', ?, 0, max_attempts, trace_parent, enqueued_at, errors
                FROM revived
                RETURNING queue, dedup_key, tenant""")) {
            revive.setLong(1, id);
            revive.setTimestamp(2, Timestamp.from(clock.instant()));
            try (ResultSet rs = revive.executeQuery()) {
                if (!rs.next()) {
                    return false;
                }
                queue = rs.getString(1);
                dedupKey = rs.getString(2);
                tenant = rs.getString(3);
            }
        }
        if (dedupKey != null) {
            try (PreparedStatement key = c.prepareStatement(
                    "INSERT INTO jobs.dedup (queue, dedup_key, job_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
                key.setString(1, queue);
                key.setString(2, dedupKey);
                key.setLong(3, id);
                if (key.executeUpdate() == 0) {
                    throw new IllegalStateException("job " + id + " cannot be replayed: an unfinished job on queue " + queue
                            + " already has its dedup key '" + dedupKey + "'");
                }
            }
        }
        if (config.wakeOnNotify()) {
            try (PreparedStatement notify = c.prepareStatement("SELECT pg_notify(?, ?)")) {
                notify.setString(1, CHANNEL);
                notify.setString(2, queue + "\n" + tenant);
                notify.execute();
            }
        }
        return true;
    }

    /** Dead jobs of a queue, newest first. */
    public List<DeadJob> deadJobs(String queue, int limit) throws SQLException {
        List<DeadJob> dead = new ArrayList<>();
        // Uses dead_job_queue_died.
        try (Connection c = dataSource.getConnection(); PreparedStatement select = c.prepareStatement("""
                SELECT id, queue, tenant, kind, payload::text, dedup_key, attempts, max_attempts, enqueued_at, died_at, last_error, errors::text
                FROM jobs.dead_job WHERE queue = ? ORDER BY died_at DESC LIMIT ?""")) {
            select.setString(1, queue);
            select.setInt(2, limit);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    dead.add(new DeadJob(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getInt(7), rs.getInt(8), rs.getTimestamp(9).toInstant(),
                            rs.getTimestamp(10).toInstant(), rs.getString(11), rs.getString(12)));
                }
            }
        }
        return dead;
    }

    /** Backlog per queue and tenant. Reads every unfinished job: call it per scrape, not per request. */
    public List<QueueDepth> depth() throws SQLException {
        Instant now = clock.instant();
        List<QueueDepth> depth = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement select = c.prepareStatement("""
                SELECT queue, tenant,
                       count(*) FILTER (WHERE state = 'pending' AND run_at <= ?),
                       count(*) FILTER (WHERE state = 'pending' AND run_at > ?),
                       count(*) FILTER (WHERE state = 'running'),
                       min(run_at) FILTER (WHERE state = 'pending' AND run_at <= ?)
                FROM jobs.job GROUP BY queue, tenant ORDER BY queue, tenant""")) {
            Timestamp ts = Timestamp.from(now);
            select.setTimestamp(1, ts);
            select.setTimestamp(2, ts);
            select.setTimestamp(3, ts);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    Timestamp oldest = rs.getTimestamp(6);
                    Duration age = oldest == null ? Duration.ZERO : Duration.between(oldest.toInstant(), now);
                    depth.add(new QueueDepth(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                            age.isNegative() ? Duration.ZERO : age));
                }
            }
        }
        return depth;
    }

    /** Dead-letter counts per queue. */
    public Map<String, Long> deadLetterCounts() throws SQLException {
        Map<String, Long> counts = new java.util.TreeMap<>();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT queue, count(*) FROM jobs.dead_job GROUP BY queue")) {
            while (rs.next()) {
                counts.put(rs.getString(1), rs.getLong(2));
            }
        }
        return counts;
    }

    /** Live and dead tuples of the queue's tables: dead tuples that keep growing mean vacuum is held back. */
    public List<TableHealth> tableHealth() throws SQLException {
        List<TableHealth> tables = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT relname, n_live_tup, n_dead_tup, last_autovacuum FROM pg_stat_user_tables
                WHERE schemaname = 'jobs' ORDER BY relname""")) {
            while (rs.next()) {
                Timestamp vacuumed = rs.getTimestamp(4);
                tables.add(new TableHealth(rs.getString(1), rs.getLong(2), rs.getLong(3), vacuumed == null ? null : vacuumed.toInstant()));
            }
        }
        return tables;
    }

    // --- maintenance ---------------------------------------------------------------------------------------------

    /**
     * Requeues running jobs whose lease expired (their worker crashed or stalled), or dead-letters them when that
     * was their last attempt. Returns the number requeued plus dead-lettered.
     */
    public int reapExpiredLeases() throws SQLException {
        Instant now = clock.instant();
        Map<String, int[]> perQueue = new java.util.TreeMap<>();
        List<Job> buried = new ArrayList<>();
        Jdbc.inTransaction(dataSource, c -> {
            // Uses job_lease. A heartbeat racing this re-checks under the row lock and wins if it renewed in time.
            try (PreparedStatement requeue = c.prepareStatement("""
                    UPDATE jobs.job SET state = 'pending', lease_owner = NULL, lease_expires_at = NULL, run_at = ?,
                           errors = errors || jsonb_build_array(jsonb_build_object('attempt', attempts, 'at', ?::text,
                                    'error', 'lease expired: worker ' || lease_owner || ' stopped renewing it'))
                    WHERE state = 'running' AND lease_expires_at < ? AND attempts < max_attempts
                    RETURNING queue""")) {
                Timestamp ts = Timestamp.from(now);
                requeue.setTimestamp(1, ts);
                requeue.setString(2, now.toString());
                requeue.setTimestamp(3, ts);
                try (ResultSet rs = requeue.executeQuery()) {
                    while (rs.next()) {
                        perQueue.computeIfAbsent(rs.getString(1), q -> new int[2])[0]++;
                    }
                }
            }
            try (PreparedStatement bury = c.prepareStatement(DEAD_LETTER_SQL.formatted(
                    "state = 'running' AND lease_expires_at < ? AND attempts >= max_attempts"))) {
                Timestamp ts = Timestamp.from(now);
                bury.setTimestamp(1, ts);
                bury.setTimestamp(2, ts);
                bury.setString(3, "lease expired on the last attempt: its worker stopped renewing it");
                try (ResultSet rs = bury.executeQuery()) {
                    while (rs.next()) {
                        perQueue.computeIfAbsent(rs.getString(2), q -> new int[2])[1]++;
                        Timestamp enqueued = rs.getTimestamp(11);
                        buried.add(new Job(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                                rs.getString(6), rs.getInt(7), rs.getInt(8), rs.getInt(9), rs.getString(10),
                                enqueued == null ? null : enqueued.toInstant()));
                    }
                }
            }
            return null;
        });
        int total = 0;
        for (Job job : buried) {
            events.deadLettered(job, "lease expired on the last attempt: its worker stopped renewing it");
        }
        for (var entry : perQueue.entrySet()) {
            events.leasesExpired(entry.getKey(), entry.getValue()[0], entry.getValue()[1]);
            total += entry.getValue()[0] + entry.getValue()[1];
        }
        return total;
    }

    /**
     * Moves the unfinished jobs that the formatted WHERE clause selects to jobs.dead_job, dropping their dedup
     * keys and adding the error to their attempt history. Parameters in order: the WHERE clause's, then died_at
     * and the error. Returns (id, queue) per job.
     */
    static final String DEAD_LETTER_SQL = """
            WITH gone AS (DELETE FROM jobs.job WHERE %s RETURNING *),
                 undedup AS (DELETE FROM jobs.dedup d USING gone WHERE d.queue = gone.queue AND d.dedup_key = gone.dedup_key AND d.job_id = gone.id),
                 params AS (SELECT ?::timestamptz AS died_at, ?::text AS error)
            INSERT INTO jobs.dead_job (id, queue, tenant, kind, payload, dedup_key, priority, attempts, max_attempts, trace_parent,
                                       enqueued_at, died_at, last_error, errors)
            SELECT id, queue, tenant, kind, payload, dedup_key, priority, attempts, max_attempts, trace_parent, enqueued_at,
                   params.died_at, params.error,
                   errors || jsonb_build_array(jsonb_build_object('attempt', attempts, 'at', params.died_at, 'error', params.error))
            FROM gone, params
            RETURNING id, queue, tenant, kind, payload, dedup_key, priority, attempts, max_attempts, trace_parent, enqueued_at""";

    /**
     * Rotates the queue table's generations if the interval has passed: the oldest generation's remaining
     * (pending) jobs move to the current one and the partition is truncated, taking all its dead tuples with it
     * whatever snapshot another transaction holds. Skipped, to be tried again later, while the oldest generation
     * still has running jobs or more than {@value #ROTATION_MOVE_LIMIT} unfinished ones, or its lock is not granted
     * within 200 ms (the queue is never stalled for longer).
     *
     * @return whether a rotation happened
     */
    public boolean rotateIfDue() throws SQLException {
        Instant now = clock.instant();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL lock_timeout = '200ms'");
                try (ResultSet rs = s.executeQuery("SELECT pg_try_advisory_xact_lock(" + ROTATION_LOCK + ")")) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        c.rollback();
                        return false;
                    }
                }
                int current;
                Instant rotatedAt;
                try (ResultSet rs = s.executeQuery("SELECT current_generation, rotated_at FROM jobs.rotation FOR UPDATE")) {
                    rs.next();
                    current = rs.getInt(1);
                    rotatedAt = rs.getTimestamp(2).toInstant();
                }
                if (now.isBefore(rotatedAt.plus(config.rotationInterval()))) {
                    c.rollback();
                    return false;
                }
                int oldest = (current + 1) % GENERATIONS;
                String partition = "jobs.job_g" + oldest;
                s.execute("LOCK TABLE " + partition + " IN ACCESS EXCLUSIVE MODE");
                try (ResultSet rs = s.executeQuery("SELECT count(*) FILTER (WHERE state = 'running'), count(*) FROM "
                        + "(SELECT state FROM " + partition + " LIMIT " + (ROTATION_MOVE_LIMIT + 1) + ") unfinished")) {
                    rs.next();
                    if (rs.getLong(1) > 0 || rs.getLong(2) > ROTATION_MOVE_LIMIT) {
                        c.rollback();
                        return false;
                    }
                }
                int moved = s.executeUpdate("""
                        INSERT INTO jobs.job (id, generation, queue, tenant, kind, payload, dedup_key, priority, state, run_at,
                                              attempts, max_attempts, lease_owner, lease_expires_at, trace_parent, enqueued_at, errors)
                        SELECT id, %d, queue, tenant, kind, payload, dedup_key, priority, state, run_at,
                               attempts, max_attempts, lease_owner, lease_expires_at, trace_parent, enqueued_at, errors
                        FROM %s""".formatted(current, partition));
                s.execute("TRUNCATE " + partition);
                try (PreparedStatement advance = c.prepareStatement(
                        "UPDATE jobs.rotation SET current_generation = ?, rotated_at = ?")) {
                    advance.setInt(1, oldest);
                    advance.setTimestamp(2, Timestamp.from(now));
                    advance.executeUpdate();
                }
                c.commit();
                LOG.log(System.Logger.Level.DEBUG, "rotated jobs: generation {0} truncated ({1} pending jobs moved to {2})",
                        oldest, moved, current);
                return true;
            } catch (SQLException e) {
                c.rollback();
                if ("55P03".equals(e.getSQLState())) {
                    return false;  // lock_not_available: someone is using the oldest generation; next time
                }
                throw e;
            }
        }
    }

    /** Deletes dead jobs and idempotency records past their retention, in small batches. Returns rows deleted. */
    public int purgeExpired() throws SQLException {
        Instant now = clock.instant();
        int deleted = 0;
        deleted += purge("jobs.dead_job", "died_at", now.minus(config.deadRetention()));
        deleted += purge("jobs.handled", "handled_at", now.minus(config.handledRetention()));
        return deleted;
    }

    private int purge(String table, String column, Instant before) throws SQLException {
        int total = 0;
        int batch;
        do {
            batch = Jdbc.inTransaction(dataSource, c -> {
                try (PreparedStatement delete = c.prepareStatement("DELETE FROM " + table + " WHERE ctid IN (SELECT ctid FROM "
                        + table + " WHERE " + column + " < ? LIMIT " + PURGE_BATCH + ")")) {
                    delete.setTimestamp(1, Timestamp.from(before));
                    return delete.executeUpdate();
                }
            });
            total += batch;
        } while (batch == PURGE_BATCH);
        return total;
    }
}
