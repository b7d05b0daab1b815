package io.headroom.jobs;

import io.headroom.testing.MutableClock;
import static io.headroom.jobs.QueueTestSupport.await;
import static io.headroom.jobs.QueueTestSupport.enqueue;
import static io.headroom.jobs.QueueTestSupport.scalar;
import static io.headroom.jobs.QueueTestSupport.sql;
import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.testing.FreshDatabase;
import io.headroom.testing.TestDatabase;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@FreshDatabase
class LeaseAndRotationTest {

    final MutableClock clock = MutableClock.atNow();

    @AfterEach
    void invariantsHold(TestDatabase db) throws Exception {
        QueueInvariants.assertHold(db.dataSource());
        QueueTestSupport.execute(db.dataSource(), "TRUNCATE jobs.job_g0, jobs.job_g1, jobs.job_g2, jobs.dead_job, jobs.dedup");
    }

    @Test
    void anExpiredLeaseMakesTheJobClaimableAgainAndTheAttemptStaysCounted(TestDatabase db) throws Exception {
        List<Job> reported = new java.util.concurrent.CopyOnWriteArrayList<>();
        JobQueue queue = new JobQueue(db.dataSource(), QueueTestSupport.fast(), clock, new JobEvents() {
            @Override
            public void deadLettered(Job job, String reason) {
                reported.add(job);
            }
        });
        long id = enqueue(queue, NewJob.builder("lease", "t", "noop").maxAttempts(2).build()).id();
        JobWorker crashed = JobWorker.builder(queue, "lease").workerId("crashed").handler("noop", (j, c) -> { }).build();
        JobWorker survivor = JobWorker.builder(queue, "lease").workerId("survivor").handler("noop", (j, c) -> { }).build();

        assertThat(crashed.claim(1)).singleElement().extracting(Job::attempt).isEqualTo(1);
        assertThat(survivor.claim(1)).as("leased to the crashed worker").isEmpty();
        assertThat(queue.reapExpiredLeases()).as("lease still valid").isZero();

        clock.advance(queue.config().lease().plusSeconds(1));
        assertThat(queue.reapExpiredLeases()).isEqualTo(1);
        assertThat(scalar(db.dataSource(), "SELECT count(*) FROM jobs.job WHERE id = ? AND errors->0->>'error' LIKE 'lease expired: worker crashed%'", id)).isEqualTo(1);

        assertThat(survivor.claim(1)).singleElement().extracting(Job::attempt).isEqualTo(2);
        clock.advance(queue.config().lease().plusSeconds(1));
        assertThat(queue.reapExpiredLeases()).isEqualTo(1);
        assertThat(queue.deadJobs("lease", 1)).singleElement().satisfies(dead -> {
            assertThat(dead.attempts()).isEqualTo(2);
            assertThat(dead.lastError()).startsWith("lease expired on the last attempt");
        });
        assertThat(reported).as("the listener hears of the job the reaper buried, with its details")
                .singleElement().satisfies(job -> {
                    assertThat(job.id()).isEqualTo(id);
                    assertThat(job.kind()).isEqualTo("noop");
                    assertThat(job.tenant()).isEqualTo("t");
                    assertThat(job.attempt()).isEqualTo(2);
                });
    }

    @Test
    void aHeartbeatKeepsALongJobsLeaseAndAStolenLeaseIsReported(TestDatabase db) throws Exception {
        JobsConfig config = QueueTestSupport.fast().withLease(Duration.ofSeconds(30), Duration.ofMillis(50));
        JobQueue queue = new JobQueue(db.dataSource(), config, clock, JobEvents.NONE);
        long id = enqueue(queue, NewJob.builder("beat", "t", "long").build()).id();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        JobContext[] context = new JobContext[1];
        try (JobWorker worker = JobWorker.builder(queue, "beat").handler("long", (job, ctx) -> {
            context[0] = ctx;
            started.countDown();
            finish.await();
        }).build().start()) {
            started.await();
            java.sql.Timestamp first = leaseEnd(db, id);
            clock.advance(Duration.ofSeconds(20));
            await("lease renewed past the original end", Duration.ofSeconds(10), sql(() -> leaseEnd(db, id).after(first)));
            assertThat(queue.reapExpiredLeases()).isZero();

            QueueTestSupport.execute(db.dataSource(), "UPDATE jobs.job SET lease_owner = 'someone-else' WHERE id = " + id);
            await("lost lease noticed", Duration.ofSeconds(10), () -> context[0].leaseLost());
            finish.countDown();
        }
    }

    private static java.sql.Timestamp leaseEnd(TestDatabase db, long id) throws java.sql.SQLException {
        try (Connection c = db.connect(); var s = c.prepareStatement("SELECT lease_expires_at FROM jobs.job WHERE id = ?")) {
            s.setLong(1, id);
            try (var rs = s.executeQuery()) {
                rs.next();
                return rs.getTimestamp(1);
            }
        }
    }

    @Test
    void rotationTruncatesTheOldestGenerationAndMovesItsPendingJobsForward(TestDatabase db) throws Exception {
        JobsConfig config = QueueTestSupport.fast().withRotationInterval(Duration.ofSeconds(15));
        JobQueue queue = new JobQueue(db.dataSource(), config, clock, JobEvents.NONE);
        int start = (int) scalar(db.dataSource(), "SELECT current_generation FROM jobs.rotation");
        long keep = enqueue(queue, NewJob.builder("rot", "t", "noop").runAt(clock.instant().plusSeconds(3600)).build()).id();
        QueueTestSupport.execute(db.dataSource(), "UPDATE jobs.rotation SET rotated_at = now() + interval '1 hour'");
        // Dead tuples from finished jobs in this generation, as claims and completions leave them.
        QueueTestSupport.backlog(db, "rot", "t", 500, clock.instant());
        QueueTestSupport.execute(db.dataSource(), "DELETE FROM jobs.job WHERE queue = 'rot' AND id <> " + keep);

        assertThat(queue.rotateIfDue()).as("interval not passed").isFalse();
        for (int i = 0; i < 3; i++) {
            QueueTestSupport.execute(db.dataSource(), "UPDATE jobs.rotation SET rotated_at = now() - interval '1 hour'");
            clock.advance(Duration.ofSeconds(16));
            assertThat(queue.rotateIfDue()).isTrue();
        }
        assertThat(scalar(db.dataSource(), "SELECT current_generation FROM jobs.rotation")).isEqualTo(start);
        assertThat(scalar(db.dataSource(), "SELECT count(*) FROM jobs.job WHERE id = ?", keep)).as("pending job survives three rotations").isEqualTo(1);
        assertThat(scalar(db.dataSource(), "SELECT pg_relation_size('jobs.job_g" + start + "')"))
                .as("the generation holding the dead rows was truncated").isLessThan(8192 * 4);
    }

    @Test
    void aGenerationWithRunningJobsIsNotTruncated(TestDatabase db) throws Exception {
        JobQueue queue = new JobQueue(db.dataSource(), QueueTestSupport.fast(), clock, JobEvents.NONE);
        QueueTestSupport.execute(db.dataSource(), "UPDATE jobs.rotation SET current_generation = 0, rotated_at = now() - interval '1 hour'");
        enqueue(queue, NewJob.builder("busy", "t", "noop").build());
        JobWorker worker = JobWorker.builder(queue, "busy").handler("noop", (j, c) -> { }).build();
        assertThat(worker.claim(1)).hasSize(1);

        assertThat(queue.rotateIfDue()).as("1 becomes current").isTrue();
        QueueTestSupport.execute(db.dataSource(), "UPDATE jobs.rotation SET rotated_at = now() - interval '1 hour'");
        clock.advance(Duration.ofMinutes(1));
        assertThat(queue.rotateIfDue()).as("2 becomes current").isTrue();
        QueueTestSupport.execute(db.dataSource(), "UPDATE jobs.rotation SET rotated_at = now() - interval '1 hour'");
        clock.advance(Duration.ofMinutes(1));
        assertThat(queue.rotateIfDue()).as("0 still has a running job").isFalse();
        assertThat(scalar(db.dataSource(), "SELECT count(*) FROM jobs.job_g0 WHERE state = 'running'")).isEqualTo(1);
    }

    @Test
    void aGenerationHoldingADeepBacklogIsNotCopiedForward(TestDatabase db) throws Exception {
        JobQueue queue = new JobQueue(db.dataSource(), QueueTestSupport.fast(), clock, JobEvents.NONE);
        QueueTestSupport.execute(db.dataSource(), "UPDATE jobs.rotation SET current_generation = 2, rotated_at = now() - interval '1 hour'");
        // Generation 0 is the oldest; give it more unfinished jobs than rotation will copy.
        QueueTestSupport.execute(db.dataSource(), """
                INSERT INTO jobs.job (generation, queue, tenant, kind, payload, priority, state, run_at, attempts, max_attempts, enqueued_at)
                SELECT 0, 'deep', 't', 'noop', '{}', 0, 'pending', now() + interval '1 day', 0, 10, now()
                FROM generate_series(1, %d)""".formatted(JobQueue.ROTATION_MOVE_LIMIT + 1));

        assertThat(queue.rotateIfDue()).isFalse();
        assertThat(scalar(db.dataSource(), "SELECT count(*) FROM jobs.job_g0")).isEqualTo(JobQueue.ROTATION_MOVE_LIMIT + 1);
        assertThat(scalar(db.dataSource(), "SELECT current_generation FROM jobs.rotation")).isEqualTo(2);
    }

    @Test
    void stoppingReleasesUnfinishedJobsAtOnceWithTheirAttemptGivenBack(TestDatabase db) throws Exception {
        JobQueue queue = new JobQueue(db.dataSource(), QueueTestSupport.fast(), clock, JobEvents.NONE);
        long id = enqueue(queue, NewJob.builder("stop", "t", "block").build()).id();
        CountDownLatch started = new CountDownLatch(1);
        JobWorker worker = JobWorker.builder(queue, "stop").handler("block", (job, ctx) -> {
            started.countDown();
            Thread.sleep(60_000);
        }).build().start();
        started.await();

        worker.stop(Duration.ofMillis(100));

        assertThat(scalar(db.dataSource(), "SELECT count(*) FROM jobs.job WHERE id = ? AND state = 'pending' AND attempts = 0 AND lease_owner IS NULL", id))
                .isEqualTo(1);
        assertThat(worker.running()).isZero();
        List<Job> again = JobWorker.builder(queue, "stop").handler("block", (j, c) -> { }).build().claim(1);
        assertThat(again).singleElement().extracting(Job::attempt).isEqualTo(1);
    }
}
