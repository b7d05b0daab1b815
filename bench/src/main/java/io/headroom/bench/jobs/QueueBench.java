package io.headroom.bench.jobs;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariDataSource;
import io.headroom.jobs.JobEvents;
import io.headroom.jobs.JobQueue;
import io.headroom.jobs.JobWorker;
import io.headroom.jobs.JobsConfig;
import io.headroom.jobs.NewJob;
import io.headroom.postgres.PostgresResolver;
import io.headroom.postgres.ResolvedDatabase;
import io.headroom.postgres.SchemaMigrations;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * headroom-jobs against a real peer on the same PostgreSQL in one run, and the database's own ceiling:
 * <ol>
 *   <li>no-op jobs: enqueue rate (one job per transaction, {@code producers} threads) and drain rate (one worker,
 *       {@code concurrency} slots) for claim batches 1, 10 and 100;</li>
 *   <li>db-scheduler 16 in lock-and-fetch mode, same jobs, producers and threads;</li>
 *   <li>pgbench simple-update ({@code -N}) TPS;</li>
 *   <li>continuous load on each queue, first without and then with a REPEATABLE READ transaction holding its
 *       snapshot: throughput and the queue tables' dead tuples per window.</li>
 * </ol>
 * Prints a Markdown report and writes it to {@code bench/target/queue-bench.md}.
 */
public final class QueueBench {

    private final int jobs;
    private final int producers;
    private final int concurrency;
    private final Duration baseline;
    private final Duration held;
    private final Duration window;
    private final StringBuilder report = new StringBuilder();
    private java.util.Set<String> parts = java.util.Set.of("throughput", "pgbench", "held");
    private boolean notify = true;
    private java.util.Set<String> systems = java.util.Set.of("headroom", "db-scheduler");
    private Duration discovery = JobsConfig.defaults().discoveryInterval();
    private Duration rotation = JobsConfig.defaults().rotationInterval();
    /**
     * Whether the held-snapshot part commits synchronously (on, PostgreSQL's default). Off takes the disk out: on this
     * machine its fsyncs moved the part's rate by 3x within a minute (2026-12-07), which hid the snapshot's effect.
     */
    private boolean heldSynchronousCommit = true;
    /** How long the held-snapshot part runs before its baseline is measured. */
    private Duration warmup = Duration.ofSeconds(20);
    /** How many headroom-jobs workers (claim loops) the held-snapshot part runs on its queue, as that many processes would. */
    private int heldWorkers = 1;

    private QueueBench(int jobs, int producers, int concurrency, Duration baseline, Duration held, Duration window) {
        this.jobs = jobs;
        this.producers = producers;
        this.concurrency = concurrency;
        this.baseline = baseline;
        this.held = held;
        this.window = window;
    }

    public static void main(String[] args) throws Exception {
        int jobs = 20_000;
        int producers = 4;
        int concurrency = 128;
        long baselineSeconds = 120;
        long heldSeconds = 300;
        long windowSeconds = 10;
        String parts = null;
        Boolean notify = null;
        String systems = null;
        Duration discovery = null;
        Duration rotation = null;
        Boolean synchronousCommit = null;
        Duration warmup = null;
        int heldWorkers = 1;
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                usage("missing value for " + args[i]);
            }
            String value = args[i + 1];
            switch (args[i]) {
                case "--jobs" -> jobs = Integer.parseInt(value);
                case "--producers" -> producers = Integer.parseInt(value);
                case "--concurrency" -> concurrency = Integer.parseInt(value);
                case "--baseline-seconds" -> baselineSeconds = Long.parseLong(value);
                case "--held-seconds" -> heldSeconds = Long.parseLong(value);
                case "--window-seconds" -> windowSeconds = Long.parseLong(value);
                case "--parts" -> parts = value;
                case "--notify" -> notify = Boolean.parseBoolean(value);
                case "--systems" -> systems = value;
                case "--discovery-millis" -> discovery = Duration.ofMillis(Long.parseLong(value));
                case "--rotation-millis" -> rotation = Duration.ofMillis(Long.parseLong(value));
                case "--warmup-seconds" -> warmup = Duration.ofSeconds(Long.parseLong(value));
                case "--held-workers" -> {
                    heldWorkers = Integer.parseInt(value);
                    if (heldWorkers < 1) {
                        usage("--held-workers takes 1 or more, got " + value);
                    }
                }
                case "--synchronous-commit" -> synchronousCommit = switch (value) {
                    case "on" -> true;
                    case "off" -> false;
                    default -> {
                        usage("--synchronous-commit takes on or off, got " + value);
                        yield null;
                    }
                };
                default -> usage("unknown flag " + args[i]);
            }
        }
        QueueBench bench = new QueueBench(jobs, producers, concurrency, Duration.ofSeconds(baselineSeconds), Duration.ofSeconds(heldSeconds),
                Duration.ofSeconds(windowSeconds));
        if (parts != null) {
            bench.parts = java.util.Set.of(parts.split(","));
        }
        if (notify != null) {
            bench.notify = notify;
        }
        if (systems != null) {
            bench.systems = java.util.Set.of(systems.split(","));
        }
        if (discovery != null) {
            bench.discovery = discovery;
        }
        if (rotation != null) {
            bench.rotation = rotation;
        }
        if (warmup != null) {
            bench.warmup = warmup;
        }
        if (synchronousCommit != null) {
            bench.heldSynchronousCommit = synchronousCommit;
        }
        bench.heldWorkers = heldWorkers;
        bench.run();
    }

    private static void usage(String problem) {
        System.err.println("queue-bench: " + problem + "; flags: --jobs N --producers N --concurrency N "
                + "--baseline-seconds S --held-seconds S --window-seconds S --parts throughput,pgbench,held --notify true|false --systems headroom,db-scheduler --discovery-millis N --rotation-millis N --synchronous-commit on|off --warmup-seconds S --held-workers N");
        System.exit(2);
    }

    private void run() throws Exception {
        ResolvedDatabase server = PostgresResolver.fromEnvironment().resolveStoppingAtExit();
        String database = "headroom_bench_" + Long.toString(Instant.now().getEpochSecond(), 36);
        try (Connection admin = DriverManager.getConnection(server.jdbcUrl()); Statement s = admin.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        }
        String url = server.urlFor(database);
        try (HikariDataSource setup = pool(url, 2)) {
            SchemaMigrations.onClasspath(QueueBench.class.getClassLoader()).migrate(setup);
            try (Connection c = setup.getConnection(); Statement s = c.createStatement()) {
                s.execute("""
                        CREATE TABLE scheduled_tasks (task_name text NOT NULL, task_instance text NOT NULL, task_data bytea,
                            execution_time timestamptz NOT NULL, picked boolean NOT NULL, picked_by text, last_success timestamptz,
                            last_failure timestamptz, consecutive_failures int, last_heartbeat timestamptz, version bigint NOT NULL,
                            priority smallint, PRIMARY KEY (task_name, task_instance));
                        CREATE INDEX execution_time_idx ON scheduled_tasks (execution_time);
                        CREATE INDEX last_heartbeat_idx ON scheduled_tasks (last_heartbeat);
                        CREATE INDEX priority_execution_time_idx ON scheduled_tasks (priority DESC, execution_time ASC);
                        CREATE TABLE other_work (id int PRIMARY KEY);
                        INSERT INTO other_work SELECT generate_series(1, 1000);""");
            }
            line("# Job queue benchmark");
            line("");
            line("Date %s. Machine: %d cores, %.0f GiB memory, JDK %s, %s (%s). Jobs per measurement %,d; %d producer threads "
                            + "(one job per transaction); %d worker slots.", LocalDate.now(), Runtime.getRuntime().availableProcessors(),
                    memoryGiB(), System.getProperty("java.version"), serverVersion(setup), server.origin().description(), jobs, producers, concurrency);
            line("");
        }
        if (parts.contains("throughput")) {
            throughput(url);
        }
        if (parts.contains("pgbench")) {
            pgbench(server, database);
        }
        if (parts.contains("held")) {
            heldSnapshot(url);
        }
        Path out = Path.of("bench/target/queue-bench.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report.toString());
        System.out.println("\nwritten to " + out.toAbsolutePath());
        try (Connection admin = DriverManager.getConnection(server.jdbcUrl()); Statement s = admin.createStatement()) {
            s.execute("DROP DATABASE " + database + " WITH (FORCE)");
        }
    }

    // --- part 1: one-shot throughput -------------------------------------------------------------------------

    private void throughput(String url) throws Exception {
        line("## No-op jobs per second");
        line("");
        line("| system | claim batch | enqueue jobs/s | process jobs/s |");
        line("|---|---|---|---|");
        double dbSchedulerProcess;
        double best = 0;
        List<double[]> ours = new ArrayList<>();
        for (int batch : new int[] {1, 10, 100}) {
            try (HikariDataSource ds = pool(url, Math.min(40, concurrency + producers + 4))) {
                JobsConfig config = config().withClaimBatch(batch);
                JobQueue queue = new JobQueue(ds, config, Clock.systemUTC(), JobEvents.NONE);
                double enqueue = enqueueHeadroom(queue, ds, jobs);
                AtomicLong done = new AtomicLong();
                long start = System.nanoTime();
                try (JobWorker worker = JobWorker.builder(queue, "bench").handler("noop", (job, ctx) -> done.incrementAndGet()).build().start()) {
                    awaitCount(done, jobs, Duration.ofMinutes(10));
                    awaitEmpty(ds, "SELECT count(*) FROM jobs.job");
                }
                double process = jobs / seconds(start);
                ours.add(new double[] {batch, enqueue, process});
                best = Math.max(best, process);
                line("| headroom-jobs | %d | %,.0f | %,.0f |", batch, enqueue, process);
            }
        }
        try (HikariDataSource ds = pool(url, Math.min(40, concurrency + producers + 4))) {
            AtomicLong done = new AtomicLong();
            OneTimeTask<Void> noop = Tasks.oneTime("noop").execute((instance, ctx) -> done.incrementAndGet());
            SchedulerClient client = SchedulerClient.Builder.create(ds, noop).build();
            double enqueue = parallel(jobs, i -> client.schedule(noop.instance(UUID.randomUUID().toString()), Instant.now()));
            Scheduler scheduler = Scheduler.create(ds, noop).threads(concurrency).pollUsingLockAndFetch(0.5, 1.0)
                    .pollingInterval(Duration.ofMillis(100)).build();
            long start = System.nanoTime();
            scheduler.start();
            awaitCount(done, jobs, Duration.ofMinutes(20));
            awaitEmpty(ds, "SELECT count(*) FROM scheduled_tasks");
            dbSchedulerProcess = jobs / seconds(start);
            scheduler.stop();
            line("| db-scheduler %s lock-and-fetch | threads %d, batch up to %d | %,.0f | %,.0f |",
                    dbSchedulerVersion(), concurrency, concurrency, enqueue, dbSchedulerProcess);
        }
        line("");
        line("Processing, headroom-jobs / db-scheduler: " + ours.stream()
                .map(r -> String.format(Locale.ROOT, "batch %d %.1fx", (int) r[0], r[2] / dbSchedulerProcess))
                .reduce((a, b) -> a + ", " + b).orElse("") + String.format(Locale.ROOT, " (best %.1fx).", best / dbSchedulerProcess));
        line("");
    }

    private double enqueueHeadroom(JobQueue queue, HikariDataSource ds, int count) throws Exception {
        return parallel(count, i -> {
            try (Connection c = ds.getConnection()) {
                c.setAutoCommit(false);
                queue.enqueue(c, NewJob.builder("bench", "tenant-" + (i % 20), "noop").build());
                c.commit();
            }
        });
    }

    // --- part 2: the database's own ceiling ------------------------------------------------------------------

    private void pgbench(ResolvedDatabase server, String database) throws Exception {
        line("## The database's ceiling: pgbench simple-update (-N)");
        line("");
        URI uri = URI.create(server.urlFor(database + "_pgbench").substring("jdbc:".length()));
        try (Connection admin = DriverManager.getConnection(server.jdbcUrl()); Statement s = admin.createStatement()) {
            s.execute("CREATE DATABASE " + database + "_pgbench");
        }
        List<String> conn = List.of("-h", uri.getHost(), "-p", Integer.toString(uri.getPort()), "-U", "postgres");
        try {
            List<String> init = new ArrayList<>(List.of("pgbench", "-i", "-q", "-s", "10"));
            init.addAll(conn);
            init.add(database + "_pgbench");
            exec(init);
            List<String> bench = new ArrayList<>(List.of("pgbench", "-N", "-c", "8", "-j", "2", "-T", "20"));
            bench.addAll(conn);
            bench.add(database + "_pgbench");
            String out = exec(bench);
            Matcher tps = Pattern.compile("tps = ([0-9.]+)").matcher(out);
            line(tps.find() ? String.format(Locale.ROOT, "pgbench -N -c 8 -j 2 -T 20 (scale 10): **%,.0f TPS** (each transaction: 3 statements "
                    + "and a commit, as a job's enqueue, claim and completion together are).", Double.parseDouble(tps.group(1)))
                    : "pgbench printed no TPS: " + out.lines().reduce((a, b) -> b).orElse(""));
        } catch (IOException e) {
            line("pgbench is not installed here (" + e.getMessage() + "); Debian: apt-get install postgresql-client");
        } finally {
            try (Connection admin = DriverManager.getConnection(server.jdbcUrl()); Statement s = admin.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + database + "_pgbench WITH (FORCE)");
            }
        }
        line("");
    }

    // --- part 3: continuous load, without and with a held snapshot -------------------------------------------

    private void heldSnapshot(String url) throws Exception {
        line("## Continuous load, then a REPEATABLE READ transaction holding its snapshot");
        line("");
        line("Producers enqueue as fast as they can while one worker processes. After %d s of warm-up, a baseline of %d s, then %d s with another "
                + "session holding a snapshot (it read a different table), then %d s with it released. Per %d-second window: "
                + "jobs processed per second, dead tuples in the queue's tables. synchronous_commit %s.", warmup.toSeconds(), baseline.toSeconds(),
                held.toSeconds(), baseline.toSeconds(), window.toSeconds(), heldSynchronousCommit ? "on" : "off");
        line("");
        List<Result> results = new ArrayList<>();
        if (systems.contains("headroom")) {
            results.add(continuous(url, true));
        }
        if (systems.contains("db-scheduler")) {
            results.add(continuous(url, false));
        }
        line("| system | baseline jobs/s | with held snapshot jobs/s | after it, jobs/s | change (held / mean of before and after) | dead tuples, baseline max | dead tuples, held: first window / max / last window |");
        line("|---|---|---|---|---|---|---|");
        for (Result r : results) {
            line("| %s | %,.0f | %,.0f | %,.0f | %+.1f%% | %,d | %,d / %,d / %,d |", r.name, r.baselineRate, r.heldRate, r.afterRate,
                    100 * r.change(), r.baselineDeadMax, r.heldDeadFirst, r.heldDeadMax, r.heldDeadLast);
        }
        line("");
        for (Result r : results) {
            line("Windows (jobs/s, dead tuples), %s: %s", r.name, r.windows);
            line("");
        }
    }

    record Result(String name, double baselineRate, double heldRate, double afterRate, long baselineDeadMax, long heldDeadFirst,
                  long heldDeadMax, long heldDeadLast, String windows) {

        /** The held rate against the mean of the rates before and after it. */
        double change() {
            return heldRate / ((baselineRate + afterRate) / 2) - 1;
        }
    }

    private Result continuous(String url, boolean headroom) throws Exception {
        try (HikariDataSource ds = pool(url, Math.min(40, concurrency + producers + 4), heldSynchronousCommit);
             HikariDataSource probe = pool(url, 2)) {
            AtomicLong done = new AtomicLong();
            AtomicLong produced = new AtomicLong();
            AtomicBoolean producing = new AtomicBoolean(true);
            List<Thread> threads = new ArrayList<>();
            AutoCloseable consumer;
            String deadSql;
            // headroom-jobs' statements timed by kind (claim, ack, enqueue, commit), per window: which slows while the snapshot is held.
            TimedDataSource timing = headroom ? new TimedDataSource() : null;
            if (headroom) {
                javax.sql.DataSource timed = timing.wrap(ds);
                JobQueue queue = new JobQueue(timed, config().withClaimBatch(100), Clock.systemUTC(), JobEvents.NONE);
                List<JobWorker> workers = new ArrayList<>();
                for (int w = 0; w < heldWorkers; w++) {
                    workers.add(JobWorker.builder(queue, "held").handler("noop", (job, ctx) -> done.incrementAndGet()).build().start());
                }
                consumer = () -> {
                    for (JobWorker w : workers) {
                        w.close();
                    }
                };
                for (int p = 0; p < producers; p++) {
                    int producer = p;
                    threads.add(Thread.ofPlatform().start(() -> {
                        long i = 0;
                        while (producing.get()) {
                            try (Connection c = timed.getConnection()) {
                                c.setAutoCommit(false);
                                queue.enqueue(c, NewJob.builder("held", "tenant-" + (producer + 4 * (i++ % 5)), "noop").build());
                                c.commit();
                                produced.incrementAndGet();
                            } catch (SQLException e) {
                                throw new IllegalStateException(e);
                            }
                        }
                    }));
                }
                deadSql = "SELECT coalesce(sum(n_dead_tup), 0) FROM pg_stat_user_tables WHERE schemaname = 'jobs' AND relname LIKE 'job_g%'";
            } else {
                OneTimeTask<Void> noop = Tasks.oneTime("held").execute((instance, ctx) -> done.incrementAndGet());
                SchedulerClient client = SchedulerClient.Builder.create(ds, noop).build();
                Scheduler scheduler = Scheduler.create(ds, noop).threads(concurrency).pollUsingLockAndFetch(0.5, 1.0)
                        .pollingInterval(Duration.ofMillis(100)).build();
                scheduler.start();
                consumer = scheduler::stop;
                for (int p = 0; p < producers; p++) {
                    threads.add(Thread.ofPlatform().start(() -> {
                        while (producing.get()) {
                            client.schedule(noop.instance(UUID.randomUUID().toString()), Instant.now());
                            produced.incrementAndGet();
                        }
                    }));
                }
                deadSql = "SELECT coalesce(sum(n_dead_tup), 0) FROM pg_stat_user_tables WHERE relname = 'scheduled_tasks'";
            }
            String name = headroom ? "headroom-jobs (batch 100" + (heldWorkers > 1 ? ", " + heldWorkers + " workers" : "") + ")" : "db-scheduler lock-and-fetch";
            StringBuilder windows = new StringBuilder();
            // Warm-up: with 5 s (until 2026-12-07) the baseline's first two windows ran at 2,755 and 3,633 jobs/s against
            // about 4,900 after them (the JIT), and counted in the baseline.
            Thread.sleep(warmup.toMillis());
            long[] base = measure(done, produced, probe, deadSql, baseline, windows, timing);
            windows.append(" | snapshot held from here: ");
            long[] heldStats;
            try (Connection holder = probe.getConnection(); Statement s = holder.createStatement()) {
                holder.setAutoCommit(false);
                s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
                s.executeQuery("SELECT count(*) FROM other_work").close();
                heldStats = measure(done, produced, probe, deadSql, held, windows, timing);
                holder.rollback();
            }
            // The same length as the baseline again, the snapshot released: this host's speed drifts within minutes, so
            // the held windows are compared with the mean of the two sides, and a drift shows as the sides differing.
            windows.append(" | snapshot released from here: ");
            long[] after = measure(done, produced, probe, deadSql, baseline, windows, timing);
            producing.set(false);
            for (Thread t : threads) {
                t.join();
            }
            consumer.close();
            System.out.println(name + ": " + windows);
            return new Result(name, base[0] / (double) baseline.toSeconds(), heldStats[0] / (double) held.toSeconds(),
                    after[0] / (double) baseline.toSeconds(), base[2], heldStats[1], heldStats[2], heldStats[3], windows.toString());
        }
    }

    /** Returns {processed, dead tuples in the first window, max, last window}. */
    private long[] measure(AtomicLong done, AtomicLong produced, HikariDataSource probe, String deadSql, Duration length,
                           StringBuilder windows, TimedDataSource timing) throws Exception {
        var phaseStart = timing == null ? null : timing.snapshot();
        long windowsCount = Math.max(1, length.toSeconds() / window.toSeconds());
        long first = -1;
        long max = 0;
        long last = 0;
        long processed = 0;
        for (long w = 0; w < windowsCount; w++) {
            long before = done.get();
            long producedBefore = produced.get();
            var statementsBefore = timing == null ? null : timing.snapshot();
            Thread.sleep(window.toMillis());
            long inWindow = done.get() - before;
            long producedInWindow = produced.get() - producedBefore;
            processed += inWindow;
            long dead = scalar(probe, deadSql);
            first = first < 0 ? dead : first;
            max = Math.max(max, dead);
            last = dead;
            windows.append(String.format(Locale.ROOT, "(%,.0f, %,d, enq %,.0f) ", inWindow / (double) window.toSeconds(), dead,
                    producedInWindow / (double) window.toSeconds()));
            if (timing != null) {
                System.out.println("statements, window: " + TimedDataSource.describe(statementsBefore, timing.snapshot(), window.toSeconds()));
            }
        }
        if (timing != null) {
            windows.append("[statements: ").append(TimedDataSource.describe(phaseStart, timing.snapshot(), length.toSeconds())).append("] ");
        }
        return new long[] {processed, first, max, last};
    }

    // --- helpers ---------------------------------------------------------------------------------------------

    private JobsConfig config() {
        return JobsConfig.defaults().withConcurrency(concurrency).withPollInterval(Duration.ofMillis(100)).withWakeOnNotify(notify).withDiscoveryInterval(discovery)
                .withRotationInterval(rotation);
    }

    @FunctionalInterface
    interface Step {
        void run(long i) throws Exception;
    }

    /** Runs {@code count} steps on the producer threads; returns steps per second. */
    private double parallel(int count, Step step) throws Exception {
        AtomicLong next = new AtomicLong();
        CountDownLatch finished = new CountDownLatch(producers);
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        long start = System.nanoTime();
        for (int p = 0; p < producers; p++) {
            Thread.ofPlatform().start(() -> {
                try {
                    for (long i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                        step.run(i);
                    }
                } catch (Throwable e) {
                    failures.add(e);
                } finally {
                    finished.countDown();
                }
            });
        }
        finished.await();
        if (!failures.isEmpty()) {
            throw new IllegalStateException("a producer failed", failures.get(0));
        }
        return count / seconds(start);
    }

    private static void awaitCount(AtomicLong counter, long target, Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (counter.get() < target) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + counter.get() + " of " + target + " jobs ran within " + bound);
            }
            Thread.sleep(5);
        }
    }

    private static void awaitEmpty(HikariDataSource ds, String countSql) throws Exception {
        for (int i = 0; i < 2_000 && scalar(ds, countSql) > 0; i++) {
            Thread.sleep(5);
        }
    }

    private static long scalar(HikariDataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static HikariDataSource pool(String url, int size) {
        return pool(url, size, true);
    }

    private static HikariDataSource pool(String url, int size, boolean synchronousCommit) {
        HikariDataSource ds = new HikariDataSource();
        ds.setJdbcUrl(url);
        ds.setMaximumPoolSize(size);
        if (!synchronousCommit) {
            ds.setConnectionInitSql("SET synchronous_commit = off");
        }
        return ds;
    }

    private static String serverVersion(HikariDataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW server_version")) {
            rs.next();
            return "PostgreSQL " + rs.getString(1).split(" ")[0];
        }
    }

    private static String dbSchedulerVersion() {
        try (var in = Scheduler.class.getResourceAsStream("/META-INF/maven/com.github.kagkarlsson/db-scheduler/pom.properties")) {
            java.util.Properties p = new java.util.Properties();
            p.load(in);
            return p.getProperty("version", "?");
        } catch (IOException | NullPointerException e) {
            return "(version unknown)";
        }
    }

    private static double memoryGiB() {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        return os.getTotalMemorySize() / (1024.0 * 1024 * 1024);
    }

    private static String exec(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out.lines().reduce((a, b) -> b).orElse(""));
        }
        return out;
    }

    private void line(String format, Object... args) {
        String text = args.length == 0 ? format : String.format(Locale.ROOT, format, args);
        System.out.println(text);
        report.append(text).append('\n');
    }

}
