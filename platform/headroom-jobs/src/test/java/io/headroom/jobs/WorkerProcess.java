package io.headroom.jobs;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import com.zaxxer.hikari.HikariDataSource;

/**
 * A job worker in a JVM of its own, for the crash and multi-process tests. Each {@code effect} job inserts one row
 * into {@code effects} through {@link IdempotentEffects}, in one transaction. With {@code --stall-after-effect}, it
 * prints {@code EFFECT-COMMITTED <id>} after committing and then hangs, so the test can SIGKILL it mid-job.
 *
 * <p>Usage: {@code WorkerProcess <jdbcUrl> <queue> <leaseMillis> [--stall-after-effect]}
 */
public final class WorkerProcess {

    public static void main(String[] args) throws Exception {
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(args[0]);
        dataSource.setMaximumPoolSize(8);
        String queueName = args[1];
        Duration lease = Duration.ofMillis(Long.parseLong(args[2]));
        boolean stall = args.length > 3 && args[3].equals("--stall-after-effect");

        JobsConfig config = JobsConfig.defaults().withLease(lease, lease.dividedBy(4)).withPollInterval(Duration.ofMillis(100))
                .withConcurrency(4).withClaimBatch(10).withBackoff(Duration.ZERO, Duration.ZERO);
        JobQueue queue = new JobQueue(dataSource, config, Clock.systemUTC(), JobEvents.NONE);
        IdempotentEffects effects = new IdempotentEffects(Clock.systemUTC());
        JobWorker worker = JobWorker.builder(queue, queueName).handler("effect", (job, ctx) -> {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                if (effects.firstTime(c, "test-effect", job.key())) {
                    try (PreparedStatement insert = c.prepareStatement("INSERT INTO effects (job_id, worker) VALUES (?, ?)")) {
                        insert.setLong(1, job.id());
                        insert.setString(2, ProcessHandle.current().pid() + "");
                        insert.executeUpdate();
                    }
                }
                c.commit();
            }
            if (stall) {
                System.out.println("EFFECT-COMMITTED " + job.id());
                System.out.flush();
                new CountDownLatch(1).await();
            }
        }).build().start();
        System.out.println("WORKER-STARTED " + worker.id());
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> worker.stop(Duration.ofSeconds(5))));
        new CountDownLatch(1).await();
    }
}
