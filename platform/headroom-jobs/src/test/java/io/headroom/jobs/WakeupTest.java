package io.headroom.jobs;

import io.headroom.testing.MutableClock;
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
    void aProcessSendsAtMostOneNotifyPerQueueAndTenantInTheDebounceWindow(TestDatabase db) throws Exception {
        MutableClock clock = MutableClock.atNow();
        JobQueue queue = new JobQueue(db.dataSource(), QueueTestSupport.fast(), clock, JobEvents.NONE);
        try (java.sql.Connection listener = db.connect()) {
            listener.createStatement().execute("LISTEN headroom_jobs");
            org.postgresql.PGConnection pg = listener.unwrap(org.postgresql.PGConnection.class);

            for (int i = 0; i < 5; i++) {
                enqueue(queue, NewJob.builder("debounce", "t", "noop").build());  // five commits within one instant
            }
            enqueue(queue, NewJob.builder("debounce-other", "t", "noop").build());
            clock.advance(JobQueue.NOTIFY_DEBOUNCE.plusMillis(1));
            enqueue(queue, NewJob.builder("debounce", "t", "noop").build());

            java.util.List<String> received = new java.util.ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (received.size() < 3 && System.nanoTime() < deadline) {
                org.postgresql.PGNotification[] batch = pg.getNotifications(200);
                if (batch != null) {
                    for (org.postgresql.PGNotification n : batch) {
                        received.add(n.getParameter());
                    }
                }
            }
            org.postgresql.PGNotification[] extra = pg.getNotifications(300);
            assertThat(received).containsExactly("debounce\nt", "debounce-other\nt", "debounce\nt");
            assertThat(extra == null ? 0 : extra.length).isZero();
        }
        QueueTestSupport.execute(db.dataSource(), "DELETE FROM jobs.job WHERE queue LIKE 'debounce%'");
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
