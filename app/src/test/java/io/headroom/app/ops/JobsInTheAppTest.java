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
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/** The queue as the app wires it: a registered handler runs an enqueued job, and the metrics see it. */
@AppTest
class JobsInTheAppTest {

    static final CountDownLatch RAN = new CountDownLatch(1);

    @TestConfiguration
    static class Handlers {
        @Bean
        JobRegistration echo() {
            return new JobRegistration("wiring", "echo", (job, ctx) -> RAN.countDown());
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
}
