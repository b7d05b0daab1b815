package io.headroom.app.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.app.AppTest;
import io.headroom.jobs.JobQueue;
import io.headroom.jobs.JobRegistration;
import io.headroom.jobs.NewJob;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The queue as the app wires it: a registered handler runs an enqueued job, and the metrics see it; the reports worker
 * runs no more jobs at once than {@code headroom.jobs.queue-concurrency.reports} (3).
 */
@AppTest
class JobsInTheAppTest {

    static final CountDownLatch RAN = new CountDownLatch(1);
    static final AtomicInteger REPORTS_RUNNING = new AtomicInteger();
    static final AtomicInteger REPORTS_MOST = new AtomicInteger();
    static final CountDownLatch REPORTS_DONE = new CountDownLatch(9);

    @TestConfiguration
    static class Handlers {
        @Bean
        JobRegistration echo() {
            return new JobRegistration("wiring", "echo", (job, ctx) -> RAN.countDown());
        }

        /** A kind on the reports queue, so that it runs on the reports worker beside the app's own report handler. */
        @Bean
        JobRegistration reportProbe() {
            return new JobRegistration("reports", "probe", (job, ctx) -> {
                REPORTS_MOST.accumulateAndGet(REPORTS_RUNNING.incrementAndGet(), Math::max);
                try {
                    Thread.sleep(150);
                } finally {
                    REPORTS_RUNNING.decrementAndGet();
                    REPORTS_DONE.countDown();
                }
            });
        }
    }

    @Autowired
    JobQueue queue;

    @Autowired
    DataSource dataSource;

    @Autowired
    MeterRegistry registry;

    @Test
    void aRegisteredHandlerRunsAJobEnqueuedInATransactionAndTheMetricsCountIt() throws Exception {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            queue.enqueue(c, NewJob.builder("wiring", "tenant-a", "echo").build());
            c.commit();
        }

        assertThat(RAN.await(30, TimeUnit.SECONDS)).isTrue();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (registry.find("headroom.jobs.completed").tag("queue", "wiring").counter() == null && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(registry.get("headroom.jobs.completed").tag("queue", "wiring").tag("kind", "echo").counter().count()).isEqualTo(1.0);
        assertThat(registry.get("headroom.jobs.claimed").tag("queue", "wiring").counter().count()).isEqualTo(1.0);
        assertThat(registry.get("headroom.jobs.duration").tag("kind", "echo").timer().count()).isEqualTo(1);
        assertThat(registry.find("headroom.jobs.table.dead.tuples").tag("table", "job_g0").gauge()).as("sampled gauges").isNotNull();
    }

    @Test
    void theReportsWorkerRunsAtMostItsConfiguredNumberOfJobsAtOnce() throws Exception {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            for (int i = 0; i < 9; i++) {
                queue.enqueue(c, NewJob.builder("reports", "tenant-" + (i % 3), "probe").build());
            }
            c.commit();
        }
        assertThat(REPORTS_DONE.await(30, TimeUnit.SECONDS)).isTrue();
        // The queue's own concurrency is 16; the reports worker's is 3, and nine jobs of 150 ms keep it full.
        assertThat(REPORTS_MOST.get()).isEqualTo(3);
    }
}
