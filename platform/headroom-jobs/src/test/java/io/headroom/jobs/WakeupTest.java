package io.headroom.jobs;

import static io.headroom.jobs.QueueTestSupport.enqueue;
import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.testing.FreshDatabase;
import io.headroom.testing.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An idle worker wakes on NOTIFY rather than its poll: with a 60 s poll interval, only the notification can get
 * the job run within the 20 s this test waits. With NOTIFY off, the poll alone still runs it.
 */
@FreshDatabase
class WakeupTest {

    @Test
    void anIdleWorkerWakesOnNotify(TestDatabase db) throws Exception {
        JobsConfig config = QueueTestSupport.fast().withPollInterval(Duration.ofSeconds(60));
        JobQueue queue = new JobQueue(db.dataSource(), config, Clock.systemUTC(), JobEvents.NONE);
        CountDownLatch ran = new CountDownLatch(1);
        try (JobWorker worker = JobWorker.builder(queue, "wake").handler("noop", (job, ctx) -> ran.countDown()).build().start()) {
            Thread.sleep(500);  // the worker has found nothing and is waiting on its 60 s poll
            enqueue(queue, NewJob.builder("wake", "t", "noop").build());
            assertThat(ran.await(20, TimeUnit.SECONDS)).as("woken by NOTIFY, not by the 60 s poll").isTrue();
        }
    }

    @Test
    void withNotifyOffPollingAloneRunsTheJob(TestDatabase db) throws Exception {
        JobsConfig config = QueueTestSupport.fast().withPollInterval(Duration.ofMillis(100)).withWakeOnNotify(false);
        JobQueue queue = new JobQueue(db.dataSource(), config, Clock.systemUTC(), JobEvents.NONE);
        CountDownLatch ran = new CountDownLatch(1);
        try (JobWorker worker = JobWorker.builder(queue, "poll").handler("noop", (job, ctx) -> ran.countDown()).build().start()) {
            enqueue(queue, NewJob.builder("poll", "t", "noop").build());
            assertThat(ran.await(20, TimeUnit.SECONDS)).isTrue();
        }
    }
}
