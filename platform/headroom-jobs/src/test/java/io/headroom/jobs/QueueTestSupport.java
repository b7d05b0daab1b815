package io.headroom.jobs;

import io.headroom.jobs.internal.Jdbc;
import io.headroom.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;

/** Small helpers shared by the queue tests. */
final class QueueTestSupport {

    private QueueTestSupport() {
    }

    /** Config for tests: short leases and polls, no backoff unless a test sets one. */
    static JobsConfig fast() {
        return JobsConfig.defaults().withLease(Duration.ofSeconds(30), Duration.ofSeconds(10)).withPollInterval(Duration.ofMillis(50))
                .withBackoff(Duration.ZERO, Duration.ZERO);
    }

    static Enqueued enqueue(JobQueue queue, NewJob job) throws SQLException {
        return Jdbc.inTransaction(queue.dataSource(), c -> queue.enqueue(c, job));
    }

    static long scalar(DataSource dataSource, String sql, Object... args) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static void execute(DataSource dataSource, String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Inserts {@code count} ready jobs for one tenant straight into the table: fast setup of a deep backlog. */
    static void backlog(TestDatabase db, String queue, String tenant, int count, Instant runAt) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement("""
                INSERT INTO jobs.job (generation, queue, tenant, kind, payload, priority, state, run_at, attempts, max_attempts, enqueued_at)
                SELECT (SELECT current_generation FROM jobs.rotation), ?, ?, 'noop', '{}', 0, 'pending', ?, 0, 10, ?
                FROM generate_series(1, ?)""")) {
            s.setString(1, queue);
            s.setString(2, tenant);
            s.setTimestamp(3, java.sql.Timestamp.from(runAt));
            s.setTimestamp(4, java.sql.Timestamp.from(runAt));
            s.setInt(5, count);
            s.execute();
        }
    }

    /** Waits, bounded, for a condition that the workers make true; fails the test if the bound passes. */
    static void await(String what, Duration bound, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up waiting after " + bound + " for: " + what);
            }
            Thread.sleep(20);
        }
    }

    interface SqlCheck {
        boolean check() throws SQLException;
    }

    static BooleanSupplier sql(SqlCheck check) {
        return () -> {
            try {
                return check.check();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        };
    }
}
