package io.headroom.jobs;

import io.headroom.jobs.internal.Backoff;
import io.headroom.jobs.internal.Jdbc;
import io.headroom.jobs.internal.Wakeup;
import java.lang.management.ManagementFactory;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;

/**
 * Claims and runs the jobs of one queue: up to {@link JobsConfig#concurrency()} at once (or {@link Builder#concurrency(int)}), each on a virtual thread.
 *
 * <ul>
 *   <li>Claims are leases: {@code FOR UPDATE SKIP LOCKED} in batches, the attempt counted at claim time, the lease
 *       renewed by a heartbeat while the handler runs.</li>
 *   <li>Claims are fair across tenants: each claim visits the ready tenants round-robin from where the last one
 *       stopped and gives each an equal share of the batch, so a tenant with a huge backlog delays another tenant's
 *       job by at most one claim (when there are no more ready tenants than the batch size).</li>
 *   <li>Completions are acknowledged in batches; failures are retried with full-jitter backoff or dead-lettered.</li>
 *   <li>The worker also does the queue's maintenance: expired leases, generation rotation, purging.</li>
 *   <li>{@link #stop(Duration)} stops claiming, lets running jobs finish within the grace period and releases the
 *       leases of those that do not, so no job waits for a stopped worker's lease to expire.</li>
 * </ul>
 * Start with {@link #start()}; thread-safe.
 */
public final class JobWorker implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(JobWorker.class.getName());
    private static final Duration PURGE_EVERY = Duration.ofHours(1);
    private static final int ACK_BATCH = 1_000;
    private static final long CLAIM_LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    /** The most tenants one discovery finds; more are found by the next ones, round-robin. */
    static final int MAX_TENANTS = 1_000;
    /** After a claim that found work but drained the queue, look again this soon (covers a debounced NOTIFY). */
    static final Duration RECHECK_AFTER_WORK = Duration.ofMillis(50);

    private final JobQueue queue;
    private final String name;
    private final String workerId;
    private final JobsConfig config;
    private final JobEvents events;
    private final Map<String, JobHandler> handlers;
    private final Backoff backoff;

    private final Semaphore permits;
    /** The most jobs this worker runs at once: the builder's, or the queue's {@link JobsConfig#concurrency()}. */
    private final int concurrency;
    private final Map<Long, Running> inFlight = new ConcurrentHashMap<>();
    private final BlockingQueue<Long> acks = new LinkedBlockingQueue<>();
    private final ExecutorService handlerThreads = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService housekeeping;
    private final Wakeup wakeup;

    private volatile boolean claiming;
    private volatile boolean acknowledging;
    private volatile Instant lastPurge = Instant.EPOCH;
    private String tenantCursor = "";
    private final java.util.TreeSet<String> activeTenants = new java.util.TreeSet<>();
    private final Map<String, Cursor> cursors = new HashMap<>();
    private Instant lastDiscovery = Instant.EPOCH;
    private Thread claimer;
    private Thread acker;

    private JobWorker(Builder builder) {
        this.queue = builder.queue;
        this.name = builder.name;
        this.workerId = builder.workerId;
        this.config = queue.config();
        this.events = builder.events;
        this.handlers = Map.copyOf(builder.handlers);
        this.backoff = new Backoff(config.backoffBase(), config.backoffCap(), builder.random);
        this.concurrency = builder.concurrency > 0 ? builder.concurrency : config.concurrency();
        this.permits = new Semaphore(concurrency);
        this.housekeeping = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("jobs-housekeeping-" + name).factory());
        this.wakeup = new Wakeup(queue.dataSource(), JobQueue.CHANNEL, name, e -> events.failed("listen", e));
    }

    public static Builder builder(JobQueue queue, String queueName) {
        return new Builder(queue, queueName);
    }

    /** This worker's lease owner name: host, process id and a random suffix. */
    public String id() {
        return workerId;
    }

    /** Jobs this worker is running now. */
    public int running() {
        return inFlight.size();
    }

    public synchronized JobWorker start() {
        if (claiming) {
            return this;
        }
        claiming = true;
        acknowledging = true;
        if (config.wakeOnNotify()) {
            wakeup.listen();
        }
        acker = Thread.ofPlatform().name("jobs-ack-" + name).start(this::acknowledgeLoop);
        claimer = Thread.ofPlatform().name("jobs-claim-" + name).start(this::claimLoop);
        housekeeping.scheduleWithFixedDelay(this::heartbeat, config.heartbeat().toMillis(), config.heartbeat().toMillis(), TimeUnit.MILLISECONDS);
        // Reaping scans the lease index, whose entries for finished jobs a held snapshot keeps alive: run it (and the
        // rotation check) every few seconds, not every poll. A crashed worker's jobs rerun within lease + this.
        long maintainEvery = Math.min(config.heartbeat().toMillis(), config.rotationInterval().toMillis() / 2);
        housekeeping.scheduleWithFixedDelay(this::maintain, 0, Math.max(1, maintainEvery), TimeUnit.MILLISECONDS);
        LOG.log(System.Logger.Level.INFO, "job worker {0} started on queue {1} (concurrency {2}, kinds {3})",
                workerId, name, concurrency, handlers.keySet());
        return this;
    }

    // --- claiming ----------------------------------------------------------------------------------------------

    private void claimLoop() {
        long failureBackoffMillis = 50;
        boolean backlog = false;
        int fullBatch = Math.min(config.claimBatch(), concurrency);
        while (claiming) {
            int slots = 0;
            try {
                if (!permits.tryAcquire(config.pollInterval().toMillis(), TimeUnit.MILLISECONDS)) {
                    continue;  // every slot busy
                }
                slots = 1 + permits.drainPermits();
                if (backlog) {
                    // Commits, not jobs, are what a claim costs: with a backlog, wait a moment for half a batch of free
                    // slots rather than claiming one job at a time as each finishes.
                    long until = System.nanoTime() + CLAIM_LINGER_NANOS;
                    while (slots < fullBatch / 2 && System.nanoTime() < until
                            && permits.tryAcquire(until - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                        slots += 1 + permits.drainPermits();
                    }
                }
                int wanted = Math.min(slots, config.claimBatch());
                List<Job> jobs = claim(wanted);
                backlog = jobs.size() == wanted;
                failureBackoffMillis = 50;
                permits.release(slots - jobs.size());
                slots = 0;
                if (!jobs.isEmpty()) {
                    events.claimed(name, jobs.size());
                }
                for (Job job : jobs) {
                    Running running = new Running(job, queue.clock().instant().plus(config.handlerTimeout()));
                    inFlight.put(job.id(), running);
                    handlerThreads.execute(() -> run(running));
                }
                if (jobs.isEmpty()) {
                    wakeup.await(config.pollInterval());
                } else if (jobs.size() < wanted) {
                    wakeup.await(config.pollInterval().compareTo(RECHECK_AFTER_WORK) < 0 ? config.pollInterval() : RECHECK_AFTER_WORK);
                }
            } catch (InterruptedException e) {
                permits.release(slots);
                return;
            } catch (SQLException | RuntimeException e) {
                permits.release(slots);
                events.failed("claim", e);
                LOG.log(System.Logger.Level.WARNING, "claiming from queue {0} failed: {1}; retrying in {2} ms",
                        name, e.getMessage(), failureBackoffMillis);
                sleepQuietly(failureBackoffMillis);
                failureBackoffMillis = Math.min(failureBackoffMillis * 2, 5_000);
            }
        }
    }

    /**
     * Claims up to {@code wanted} ready jobs, sharing the batch equally among the ready tenants.
     *
     * <p>The ready tenants are found by a skip scan at most once per {@link JobsConfig#discoveryInterval()}, plus the tenants
     * that NOTIFY (or this worker's own retries) name in between. Per tenant, each claim continues after the last
     * job the previous one took (a keyset range over job_claim), so it never walks the index entries of jobs already
     * claimed, which vacuum cannot remove while another transaction holds an old snapshot. Discovery resets the
     * ranges: a job that appears behind one (a higher priority, an earlier run_at, a released lease) waits at most
     * one discovery interval.
     */
    synchronized List<Job> claim(int wanted) throws SQLException {
        Instant now = queue.clock().instant();
        Instant leaseEnd = now.plus(config.lease());
        Set<String> noted = wakeup.drainTenants();
        return Jdbc.inTransaction(queue.dataSource(), c -> {
            if (!now.isBefore(lastDiscovery.plus(config.discoveryInterval()))) {
                List<String> found = readyTenants(c, now, tenantCursor, null, MAX_TENANTS);
                if (found.size() < MAX_TENANTS && !tenantCursor.isEmpty()) {
                    found.addAll(readyTenants(c, now, "", tenantCursor, MAX_TENANTS - found.size()));
                }
                activeTenants.clear();
                activeTenants.addAll(found);
                cursors.clear();
                lastDiscovery = now;
            }
            activeTenants.addAll(noted);
            List<String> tenants = nextTenants(wanted);
            if (tenants.isEmpty()) {
                return List.of();
            }
            int share = ceilDiv(wanted, tenants.size());
            List<Job> claimed = claimFrom(c, tenants, share, wanted, now, leaseEnd);
            Map<String, Integer> taken = new HashMap<>();
            claimed.forEach(job -> taken.merge(job.tenant(), 1, Integer::sum));
            if (claimed.size() < wanted) {
                // Tenants that took their full share may have more: they split what the others left unused.
                List<String> busy = tenants.stream().filter(t -> taken.getOrDefault(t, 0) == share).toList();
                if (!busy.isEmpty()) {
                    int rest = wanted - claimed.size();
                    List<Job> more = claimFrom(c, busy, ceilDiv(rest, busy.size()), rest, now, leaseEnd);
                    more.forEach(job -> taken.merge(job.tenant(), 1, Integer::sum));
                    claimed.addAll(more);
                }
            }
            // A tenant with nothing left after its range is dropped until discovery or a notification names it again.
            tenants.stream().filter(t -> !taken.containsKey(t)).forEach(t -> {
                activeTenants.remove(t);
                cursors.remove(t);
            });
            tenantCursor = tenants.get(tenants.size() - 1);
            return claimed;
        });
    }

    /** Up to {@code wanted} active tenants, round-robin: starting after the last tenant the previous claim served. */
    private List<String> nextTenants(int wanted) {
        List<String> next = new ArrayList<>(Math.min(wanted, activeTenants.size()));
        for (String t : activeTenants.tailSet(tenantCursor, false)) {
            if (next.size() == wanted) {
                return next;
            }
            next.add(t);
        }
        for (String t : activeTenants.headSet(tenantCursor, true)) {
            if (next.size() == wanted) {
                break;
            }
            next.add(t);
        }
        return next;
    }

    /**
     * Up to {@code limit} distinct tenants with ready jobs, in tenant order after {@code after} (and not past
     * {@code upTo}). A recursive skip scan over job_claim: one index probe per tenant, however deep each backlog.
     */
    private List<String> readyTenants(Connection c, Instant now, String after, String upTo, int limit) throws SQLException {
        String bound = upTo == null ? "" : " AND tenant <= ?";
        String sql = """
                WITH RECURSIVE t(tenant, n) AS (
                    (SELECT tenant, 1 FROM jobs.job
                     WHERE queue = ? AND state = 'pending' AND run_at <= ? AND tenant > ?%1$s ORDER BY tenant LIMIT 1)
                    UNION ALL
                    SELECT (SELECT j.tenant FROM jobs.job j
                            WHERE j.queue = ? AND j.state = 'pending' AND j.run_at <= ? AND j.tenant > t.tenant%2$s
                            ORDER BY j.tenant LIMIT 1), t.n + 1
                    FROM t WHERE t.tenant IS NOT NULL AND t.n < ?)
                SELECT tenant FROM t WHERE tenant IS NOT NULL""".formatted(bound, upTo == null ? "" : " AND j.tenant <= ?");
        List<String> tenants = new ArrayList<>();
        try (PreparedStatement select = c.prepareStatement(sql)) {
            int i = 1;
            Timestamp ts = Timestamp.from(now);
            select.setString(i++, name);
            select.setTimestamp(i++, ts);
            select.setString(i++, after);
            if (upTo != null) {
                select.setString(i++, upTo);
            }
            select.setString(i++, name);
            select.setTimestamp(i++, ts);
            if (upTo != null) {
                select.setString(i++, upTo);
            }
            select.setInt(i, limit);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    tenants.add(rs.getString(1));
                }
            }
        }
        return tenants;
    }

    private List<Job> claimFrom(Connection c, List<String> tenants, int perTenant, int limit, Instant now, Instant leaseEnd)
            throws SQLException {
        List<Job> jobs = new ArrayList<>();
        Integer[] ranks = new Integer[tenants.size()];
        Timestamp[] runAts = new Timestamp[tenants.size()];
        Long[] ids = new Long[tenants.size()];
        for (int i = 0; i < tenants.size(); i++) {
            Cursor cursor = cursors.get(tenants.get(i));
            // No cursor: a rank below every real one (ranks are -priority, within a smallint), so all rows qualify.
            ranks[i] = cursor == null ? Integer.MIN_VALUE : cursor.rank;
            runAts[i] = Timestamp.from(cursor == null ? Instant.EPOCH : cursor.runAt);
            ids[i] = cursor == null ? 0L : cursor.id;
        }
        // Per tenant: job_claim after the tenant's cursor, in priority order, skipping rows other workers hold.
        try (PreparedStatement claim = c.prepareStatement("""
                WITH picked AS (
                    SELECT j.id, j.generation
                    FROM unnest(?::text[], ?::integer[], ?::timestamptz[], ?::bigint[]) AS t(tenant, rank, run_at, id)
                    CROSS JOIN LATERAL (
                        SELECT id, generation FROM jobs.job
                        WHERE queue = ? AND tenant = t.tenant AND state = 'pending' AND run_at <= ?
                          AND (claim_rank, run_at, id) > (t.rank, t.run_at, t.id)
                        ORDER BY claim_rank, run_at, id
                        LIMIT ?
                        FOR UPDATE SKIP LOCKED) j
                    LIMIT ?)
                UPDATE jobs.job j SET state = 'running', attempts = j.attempts + 1, lease_owner = ?, lease_expires_at = ?
                FROM picked p WHERE j.id = p.id AND j.generation = p.generation
                RETURNING j.id, j.queue, j.tenant, j.kind, j.payload::text, j.dedup_key, j.priority, j.attempts,
                          j.max_attempts, j.trace_parent, j.enqueued_at, j.claim_rank, j.run_at""")) {
            claim.setArray(1, c.createArrayOf("text", tenants.toArray()));
            claim.setArray(2, c.createArrayOf("integer", ranks));
            claim.setArray(3, c.createArrayOf("timestamptz", runAts));
            claim.setArray(4, c.createArrayOf("bigint", ids));
            claim.setString(5, name);
            claim.setTimestamp(6, Timestamp.from(now));
            claim.setInt(7, perTenant);
            claim.setInt(8, limit);
            claim.setString(9, workerId);
            claim.setTimestamp(10, Timestamp.from(leaseEnd));
            try (ResultSet rs = claim.executeQuery()) {
                while (rs.next()) {
                    Job job = new Job(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getShort(7), rs.getInt(8), rs.getInt(9), rs.getString(10),
                            rs.getTimestamp(11).toInstant());
                    jobs.add(job);
                    Cursor position = new Cursor(rs.getInt(12), rs.getTimestamp(13).toInstant(), job.id());
                    cursors.merge(job.tenant(), position, (a, b) -> a.compareTo(b) >= 0 ? a : b);
                }
            }
        }
        return jobs;
    }

    /** A position in a tenant's claim order: (claim_rank, run_at, id). */
    private record Cursor(int rank, Instant runAt, long id) implements Comparable<Cursor> {
        @Override
        public int compareTo(Cursor o) {
            int byRank = Integer.compare(rank, o.rank);
            if (byRank != 0) {
                return byRank;
            }
            int byRunAt = runAt.compareTo(o.runAt);
            return byRunAt != 0 ? byRunAt : Long.compare(id, o.id);
        }
    }

    // --- running -----------------------------------------------------------------------------------------------

    private void run(Running running) {
        Job job = running.job;
        Instant started = queue.clock().instant();
        Throwable failure = null;
        try {
            JobHandler handler = handlers.get(job.kind());
            if (handler == null) {
                failure = new PermanentJobFailure("no handler for kind '" + job.kind() + "' on queue " + name
                        + " (known: " + handlers.keySet() + ")");
            } else {
                Future<?> future = handlerThreads.submit(() -> {
                    handler.handle(job, running);
                    return null;
                });
                running.future = future;
                try {
                    future.get(config.handlerTimeout().toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    future.cancel(true);
                    failure = new TimeoutException("handler for " + job.kind() + " ran past its timeout of " + config.handlerTimeout());
                } catch (ExecutionException e) {
                    failure = e.getCause();
                } catch (InterruptedException e) {
                    future.cancel(true);
                    return;  // the worker is stopping and releases the lease
                }
            }
            if (running.released) {
                return;
            }
            if (failure == null) {
                events.completed(job, Duration.between(started, queue.clock().instant()));
                acks.add(job.id());
            } else if (failure instanceof PostponeJob postponement) {
                postpone(job, postponement);
            } else if (failure instanceof PermanentJobFailure || job.lastAttempt()) {
                deadLetter(job, failure);
            } else {
                retry(job, failure);
            }
        } catch (SQLException | RuntimeException e) {
            // Recording the outcome failed: the lease will expire and the job runs again (at least once).
            events.failed("record outcome of job " + job.id(), e);
            LOG.log(System.Logger.Level.WARNING, "could not record the outcome of job {0} ({1}) on queue {2}: {3}",
                    job.id(), job.kind(), name, e.getMessage());
        } finally {
            inFlight.remove(job.id());
            permits.release();
        }
    }

    private void retry(Job job, Throwable failure) throws SQLException {
        Instant now = queue.clock().instant();
        Instant next = now.plus(backoff.delay(job.attempt()));
        Jdbc.inTransaction(queue.dataSource(), c -> {
            try (PreparedStatement update = c.prepareStatement("""
                    UPDATE jobs.job SET state = 'pending', lease_owner = NULL, lease_expires_at = NULL, run_at = ?,
                           errors = errors || jsonb_build_array(jsonb_build_object('attempt', attempts, 'at', ?::text, 'error', ?::text))
                    WHERE id = ? AND lease_owner = ? AND state = 'running'""")) {
                update.setTimestamp(1, Timestamp.from(next));
                update.setString(2, now.toString());
                update.setString(3, describe(failure));
                update.setLong(4, job.id());
                update.setString(5, workerId);
                update.executeUpdate();
            }
            return null;
        });
        wakeup.noteTenant(job.tenant());
        events.retried(job, failure, next);
    }

    private void postpone(Job job, PostponeJob postponement) throws SQLException {
        Instant next = queue.clock().instant().plus(postponement.delay());
        Jdbc.inTransaction(queue.dataSource(), c -> {
            try (PreparedStatement update = c.prepareStatement("""
                    UPDATE jobs.job SET state = 'pending', lease_owner = NULL, lease_expires_at = NULL, run_at = ?,
                           attempts = greatest(attempts - 1, 0)
                    WHERE id = ? AND lease_owner = ? AND state = 'running'""")) {
                update.setTimestamp(1, Timestamp.from(next));
                update.setLong(2, job.id());
                update.setString(3, workerId);
                update.executeUpdate();
            }
            return null;
        });
        wakeup.noteTenant(job.tenant());
        events.postponed(job, postponement.getMessage(), next);
    }

    private void deadLetter(Job job, Throwable failure) throws SQLException {
        Instant now = queue.clock().instant();
        String reason = describe(failure);
        Jdbc.inTransaction(queue.dataSource(), c -> {
            try (PreparedStatement bury = c.prepareStatement(JobQueue.DEAD_LETTER_SQL.formatted(
                    "id = ? AND lease_owner = ? AND state = 'running'"))) {
                bury.setLong(1, job.id());
                bury.setString(2, workerId);
                bury.setTimestamp(3, Timestamp.from(now));
                bury.setString(4, reason);
                bury.executeQuery().close();
            }
            return null;
        });
        events.deadLettered(job, reason);
        LOG.log(System.Logger.Level.WARNING, "job {0} ({1}, tenant {2}) dead-lettered after attempt {3}/{4}: {5}",
                job.id(), job.kind(), job.tenant(), job.attempt(), job.maxAttempts(), reason);
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage() == null ? "" : ": " + failure.getMessage();
        String text = failure.getClass().getName() + message;
        return text.length() > 2_000 ? text.substring(0, 2_000) : text;
    }

    // --- acknowledging -----------------------------------------------------------------------------------------

    private void acknowledgeLoop() {
        List<Long> batch = new ArrayList<>();
        while (acknowledging || !acks.isEmpty() || !batch.isEmpty()) {
            try {
                if (batch.isEmpty()) {
                    Long first = acks.poll(50, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                }
                acks.drainTo(batch, ACK_BATCH - batch.size());
                complete(batch);
                batch.clear();
            } catch (InterruptedException e) {
                return;
            } catch (SQLException | RuntimeException e) {
                events.failed("complete", e);
                LOG.log(System.Logger.Level.WARNING, "acknowledging {0} jobs on queue {1} failed: {2}; retrying",
                        batch.size(), name, e.getMessage());
                if (!acknowledging) {
                    return;  // stopping and the database is gone: the leases expire and the jobs run again
                }
                sleepQuietly(200);
            }
        }
    }

    private void complete(List<Long> ids) throws SQLException {
        Set<Long> done = new HashSet<>();
        Jdbc.inTransaction(queue.dataSource(), c -> {
            // Uses job_id; finished jobs leave the table, and their dedup keys are freed.
            try (PreparedStatement delete = c.prepareStatement("""
                    WITH done AS (DELETE FROM jobs.job WHERE id = ANY(?) AND lease_owner = ? AND state = 'running'
                                  RETURNING id, queue, dedup_key),
                         undedup AS (DELETE FROM jobs.dedup d USING done
                                     WHERE d.queue = done.queue AND d.dedup_key = done.dedup_key AND d.job_id = done.id)
                    SELECT id FROM done""")) {
                delete.setArray(1, c.createArrayOf("bigint", ids.toArray()));
                delete.setString(2, workerId);
                try (ResultSet rs = delete.executeQuery()) {
                    while (rs.next()) {
                        done.add(rs.getLong(1));
                    }
                }
            }
            return null;
        });
        if (done.size() < ids.size()) {
            LOG.log(System.Logger.Level.WARNING, "{0} of {1} completed jobs on queue {2} had lost their lease (reclaimed after a stall); "
                    + "they may run again", ids.size() - done.size(), ids.size(), name);
        }
    }

    // --- housekeeping ------------------------------------------------------------------------------------------

    private void heartbeat() {
        if (inFlight.isEmpty()) {
            return;
        }
        List<Long> ids = new ArrayList<>(inFlight.keySet());
        try {
            Set<Long> renewed = new HashSet<>();
            Jdbc.inTransaction(queue.dataSource(), c -> {
                try (PreparedStatement renew = c.prepareStatement("""
                        UPDATE jobs.job SET lease_expires_at = ?
                        WHERE id = ANY(?) AND lease_owner = ? AND state = 'running' RETURNING id""")) {
                    renew.setTimestamp(1, Timestamp.from(queue.clock().instant().plus(config.lease())));
                    renew.setArray(2, c.createArrayOf("bigint", ids.toArray()));
                    renew.setString(3, workerId);
                    try (ResultSet rs = renew.executeQuery()) {
                        while (rs.next()) {
                            renewed.add(rs.getLong(1));
                        }
                    }
                }
                return null;
            });
            for (Long id : ids) {
                Running running = inFlight.get(id);
                if (running != null && !renewed.contains(id)) {
                    running.leaseLost = true;
                }
            }
        } catch (SQLException | RuntimeException e) {
            events.failed("heartbeat", e);
            LOG.log(System.Logger.Level.WARNING, "renewing {0} leases on queue {1} failed: {2}", ids.size(), name, e.getMessage());
        }
    }

    private void maintain() {
        try {
            queue.reapExpiredLeases();
            queue.rotateIfDue();
            Instant now = queue.clock().instant();
            if (now.isAfter(lastPurge.plus(PURGE_EVERY))) {
                lastPurge = now;
                queue.purgeExpired();
            }
        } catch (SQLException | RuntimeException e) {
            events.failed("maintenance", e);
            LOG.log(System.Logger.Level.WARNING, "queue maintenance for {0} failed: {1}", name, e.getMessage());
        }
    }

    // --- stopping ----------------------------------------------------------------------------------------------

    /**
     * Stops claiming, waits up to {@code grace} for running jobs, then interrupts the rest and releases their leases
     * (attempt given back) so that other workers can take them at once.
     */
    public void stop(Duration grace) {
        synchronized (this) {
            if (!claiming) {
                return;
            }
            claiming = false;
        }
        wakeup.signal();
        joinQuietly(claimer);
        long deadline = System.nanoTime() + grace.toNanos();
        while (!inFlight.isEmpty() && System.nanoTime() < deadline) {
            sleepQuietly(10);
        }
        List<Running> unfinished = new ArrayList<>(inFlight.values());
        if (!unfinished.isEmpty()) {
            unfinished.forEach(r -> {
                r.released = true;
                if (r.future != null) {
                    r.future.cancel(true);
                }
            });
            releaseLeases(unfinished.stream().map(r -> r.job.id()).toList());
        }
        acknowledging = false;
        joinQuietly(acker);
        housekeeping.shutdownNow();
        handlerThreads.shutdownNow();
        try {
            wakeup.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.log(System.Logger.Level.INFO, "job worker {0} stopped ({1} running jobs released)", workerId, unfinished.size());
    }

    private void releaseLeases(List<Long> ids) {
        try {
            Jdbc.inTransaction(queue.dataSource(), c -> {
                try (PreparedStatement release = c.prepareStatement("""
                        UPDATE jobs.job SET state = 'pending', lease_owner = NULL, lease_expires_at = NULL, run_at = ?,
                               attempts = greatest(attempts - 1, 0)
                        WHERE id = ANY(?) AND lease_owner = ? AND state = 'running'""")) {
                    release.setTimestamp(1, Timestamp.from(queue.clock().instant()));
                    release.setArray(2, c.createArrayOf("bigint", ids.toArray()));
                    release.setString(3, workerId);
                    release.executeUpdate();
                }
                return null;
            });
        } catch (SQLException | RuntimeException e) {
            events.failed("release leases", e);
            LOG.log(System.Logger.Level.WARNING, "could not release {0} leases on queue {1} ({2}); they expire in at most {3}",
                    ids.size(), name, e.getMessage(), config.lease());
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(30));
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void joinQuietly(Thread thread) {
        if (thread == null) {
            return;
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A job being run, and the context its handler sees. */
    private static final class Running implements JobContext {
        final Job job;
        final Instant deadline;
        volatile Future<?> future;
        volatile boolean leaseLost;
        volatile boolean released;

        Running(Job job, Instant deadline) {
            this.job = job;
            this.deadline = deadline;
        }

        @Override
        public Instant deadline() {
            return deadline;
        }

        @Override
        public boolean leaseLost() {
            return leaseLost;
        }
    }

    /** Builds a {@link JobWorker}; not thread-safe. */
    public static final class Builder {
        private final JobQueue queue;
        private final String name;
        private final Map<String, JobHandler> handlers = new HashMap<>();
        private String workerId;
        private RandomGenerator random = RandomGenerator.getDefault();
        private JobEvents events = JobEvents.NONE;
        private int concurrency;

        private Builder(JobQueue queue, String name) {
            this.queue = queue;
            this.name = name;
            this.workerId = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);
        }

        public Builder handler(String kind, JobHandler handler) {
            if (handlers.putIfAbsent(kind, handler) != null) {
                throw new IllegalArgumentException("a handler for kind " + kind + " is already registered");
            }
            return this;
        }

        public Builder workerId(String id) {
            this.workerId = id;
            return this;
        }

        /** The source of backoff jitter; inject a seeded one for reproducible tests. */
        public Builder random(RandomGenerator generator) {
            this.random = generator;
            return this;
        }

        /**
         * The most jobs this worker runs at once, instead of the queue's {@link JobsConfig#concurrency()}: for a queue
         * whose jobs are heavy and not urgent (reports), so that they cannot take every core at once.
         */
        public Builder concurrency(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("a worker's concurrency must be at least 1, got " + value);
            }
            this.concurrency = value;
            return this;
        }

        public Builder events(JobEvents listener) {
            this.events = listener;
            return this;
        }

        public JobWorker build() {
            if (handlers.isEmpty()) {
                throw new IllegalStateException("a worker for queue " + name + " needs at least one handler");
            }
            return new JobWorker(this);
        }
    }
}
