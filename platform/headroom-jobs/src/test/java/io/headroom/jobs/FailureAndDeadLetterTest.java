package io.headroom.jobs;

import io.headroom.testing.MutableClock;
import static io.headroom.jobs.QueueTestSupport.await;
import static io.headroom.jobs.QueueTestSupport.enqueue;
import static io.headroom.jobs.QueueTestSupport.scalar;
import static io.headroom.jobs.QueueTestSupport.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.headroom.jobs.internal.Backoff;
import io.headroom.testing.FreshDatabase;
import io.headroom.testing.TestDatabase;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@FreshDatabase
class FailureAndDeadLetterTest {

    @AfterEach
    void invariantsHold(TestDatabase db) throws Exception {
        QueueInvariants.assertHold(db.dataSource());
    }

    @Test
    void backoffIsFullJitterUnderADoublingCappedCeiling() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5), new SplittableRandom(42));

        assertThat(backoff.ceiling(1)).isEqualTo(Duration.ofMillis(200));
        assertThat(backoff.ceiling(3)).isEqualTo(Duration.ofMillis(800));
        assertThat(backoff.ceiling(6)).isEqualTo(Duration.ofSeconds(5));
        assertThat(backoff.ceiling(400)).isEqualTo(Duration.ofSeconds(5));

        int n = 20_000;
        double sum = 0;
        int lowQuarter = 0;
        for (int i = 0; i < n; i++) {
            long millis = backoff.delay(3).toMillis();
            assertThat(millis).isBetween(0L, 799L);
            sum += millis;
            if (millis < 200) {
                lowQuarter++;
            }
        }
        assertThat(sum / n).as("mean of uniform [0, 800)").isCloseTo(400, within(12.0));
        assertThat(lowQuarter / (double) n).as("share below a quarter of the ceiling").isCloseTo(0.25, within(0.015));
    }

    @Test
    void aFailedJobIsRescheduledWithinItsBackoffCeilingAndKeepsItsHistory(TestDatabase db) throws Exception {
        MutableClock clock = MutableClock.atNow();
        JobsConfig config = QueueTestSupport.fast().withBackoff(Duration.ofSeconds(10), Duration.ofMinutes(5));
        JobQueue queue = new JobQueue(db.dataSource(), config, clock, JobEvents.NONE);
        long id = enqueue(queue, NewJob.builder("retry", "t", "flaky").build()).id();
        Instant failedAt = clock.instant();

        try (JobWorker worker = JobWorker.builder(queue, "retry").random(new SplittableRandom(7))
                .handler("flaky", (job, ctx) -> { throw new IllegalStateException("provider said 503"); }).build().start()) {
            await("first failure recorded", Duration.ofSeconds(30), sql(() ->
                    scalar(db.dataSource(), "SELECT jsonb_array_length(errors) FROM jobs.job WHERE id = ?", id) == 1));
        }
        Timestamp runAt;
        try (var c = db.connect(); var s = c.prepareStatement("SELECT run_at, attempts, state, errors->0->>'error' FROM jobs.job WHERE id = ?")) {
            s.setLong(1, id);
            try (var rs = s.executeQuery()) {
                rs.next();
                runAt = rs.getTimestamp(1);
                assertThat(rs.getInt(2)).isEqualTo(1);
                assertThat(rs.getString(3)).isEqualTo("pending");
                assertThat(rs.getString(4)).isEqualTo("java.lang.IllegalStateException: provider said 503");
            }
        }
        Duration wait = Duration.between(failedAt, runAt.toInstant());
        assertThat(wait).isBetween(Duration.ZERO, Duration.ofSeconds(20));  // attempt 1: [0, 10 s * 2^1)
        QueueTestSupport.execute(db.dataSource(), "DELETE FROM jobs.job WHERE queue = 'retry'");
    }

    @Test
    void aJobThatKeepsFailingIsDeadLetteredWithItsAttemptsAndCanBeReplayed(TestDatabase db) throws Exception {
        JobQueue queue = new JobQueue(db.dataSource(), QueueTestSupport.fast(), Clock.systemUTC(), JobEvents.NONE);
        long id = enqueue(queue, NewJob.builder("dlq", "t", "charge").maxAttempts(3).dedupKey("order-1").build()).id();
        AtomicBoolean healthy = new AtomicBoolean(false);
        AtomicInteger runs = new AtomicInteger();
        JobHandler handler = (job, ctx) -> {
            runs.incrementAndGet();
            if (!healthy.get()) {
                throw new IllegalStateException("attempt " + job.attempt() + " failed");
            }
        };
        try (JobWorker worker = JobWorker.builder(queue, "dlq").handler("charge", handler).build().start()) {
            await("dead-lettered", Duration.ofSeconds(30), sql(() -> scalar(db.dataSource(), "SELECT count(*) FROM jobs.dead_job WHERE id = ?", id) == 1));

            List<DeadJob> dead = queue.deadJobs("dlq", 10);
            assertThat(dead).singleElement().satisfies(job -> {
                assertThat(job.attempts()).isEqualTo(3);
                assertThat(job.lastError()).isEqualTo("java.lang.IllegalStateException: attempt 3 failed");
                assertThat(job.errors()).contains("attempt 1 failed", "attempt 2 failed", "attempt 3 failed");
            });
            assertThat(runs).hasValue(3);
            assertThat(queue.deadLetterCounts()).containsEntry("dlq", 1L);
            assertThat(scalar(db.dataSource(), "SELECT count(*) FROM jobs.dedup WHERE queue = 'dlq'")).as("dead jobs free their dedup key").isZero();

            healthy.set(true);
            assertThat(queue.replay(id)).isTrue();
            await("replayed job done", Duration.ofSeconds(30), sql(() -> scalar(db.dataSource(),
                    "SELECT (SELECT count(*) FROM jobs.job WHERE id = ?) + (SELECT count(*) FROM jobs.dead_job WHERE id = ?)", id, id) == 0));
        }
        assertThat(runs).hasValue(4);
        assertThat(queue.replay(id)).as("nothing left to replay").isFalse();
    }

    @Test
    void aPermanentFailureSkipsTheRetriesAndReplayByFilterBringsJobsBack(TestDatabase db) throws Exception {
        JobQueue queue = new JobQueue(db.dataSource(), QueueTestSupport.fast(), Clock.systemUTC(), JobEvents.NONE);
        for (int i = 0; i < 4; i++) {
            enqueue(queue, NewJob.builder("perm", i < 3 ? "a" : "b", "decline").build());
        }
        AtomicInteger runs = new AtomicInteger();
        try (JobWorker worker = JobWorker.builder(queue, "perm").handler("decline", (job, ctx) -> {
            runs.incrementAndGet();
            throw new PermanentJobFailure("card declined");
        }).build().start()) {
            await("all dead", Duration.ofSeconds(30), sql(() -> scalar(db.dataSource(), "SELECT count(*) FROM jobs.dead_job WHERE queue = 'perm'") == 4));
        }
        assertThat(runs).hasValue(4);
        assertThat(queue.deadJobs("perm", 10)).allSatisfy(job -> assertThat(job.attempts()).isEqualTo(1));

        assertThat(queue.replay(new DeadJobFilter("perm", "a", null, null))).isEqualTo(3);
        assertThat(scalar(db.dataSource(), "SELECT count(*) FROM jobs.job WHERE queue = 'perm' AND attempts = 0 AND state = 'pending'")).isEqualTo(3);
        assertThat(queue.deadJobs("perm", 10)).singleElement().extracting(DeadJob::tenant).isEqualTo("b");
        QueueTestSupport.execute(db.dataSource(), "DELETE FROM jobs.job WHERE queue = 'perm'; DELETE FROM jobs.dead_job WHERE queue = 'perm'");
    }

    @Test
    void aPoisonJobEndsInDeadLetterAfterItsOwnRetriesWhileHealthyJobsAllComplete(TestDatabase db) throws Exception {
        JobQueue queue = new JobQueue(db.dataSource(), QueueTestSupport.fast().withConcurrency(2), Clock.systemUTC(), JobEvents.NONE);
        long poison = enqueue(queue, NewJob.builder("poison", "t", "work").payload("{\"poison\": true}").maxAttempts(5).build()).id();
        for (int i = 0; i < 200; i++) {
            enqueue(queue, NewJob.builder("poison", "t" + (i % 4), "work").build());
        }
        AtomicInteger healthyDone = new AtomicInteger();
        AtomicInteger poisonRuns = new AtomicInteger();
        try (JobWorker worker = JobWorker.builder(queue, "poison").handler("work", (job, ctx) -> {
            if (job.payload().contains("poison")) {
                poisonRuns.incrementAndGet();
                throw new IllegalArgumentException("unparseable payload");
            }
            healthyDone.incrementAndGet();
        }).build().start()) {
            await("healthy jobs and poison settled", Duration.ofSeconds(60), sql(() ->
                    scalar(db.dataSource(), "SELECT count(*) FROM jobs.job WHERE queue = 'poison'") == 0));
        }
        assertThat(healthyDone).hasValue(200);
        assertThat(poisonRuns).hasValue(5);
        assertThat(queue.deadJobs("poison", 10)).singleElement().extracting(DeadJob::id).isEqualTo(poison);
    }

    @Test
    void aPostponedJobGivesItsAttemptBackWaitsItsDelayAndNeverDeadLettersForIt(TestDatabase db) throws Exception {
        MutableClock clock = MutableClock.atNow();
        JobQueue queue = new JobQueue(db.dataSource(), QueueTestSupport.fast(), clock, JobEvents.NONE);
        // One attempt only: had a postponement counted as an attempt, the second run would have dead-lettered the job.
        long id = enqueue(queue, NewJob.builder("postpone", "t", "charge").maxAttempts(1).build()).id();
        AtomicBoolean breakerOpen = new AtomicBoolean(true);
        AtomicInteger runs = new AtomicInteger();
        List<Integer> attemptsSeen = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (JobWorker worker = JobWorker.builder(queue, "postpone").handler("charge", (job, ctx) -> {
            runs.incrementAndGet();
            attemptsSeen.add(job.attempt());
            if (breakerOpen.get()) {
                throw new PostponeJob(Duration.ofSeconds(30), "call to payments not made: its circuit breaker is open");
            }
        }).build().start()) {
            await("postponed", Duration.ofSeconds(30), sql(() -> runs.get() == 1
                    && scalar(db.dataSource(), "SELECT count(*) FROM jobs.job WHERE id = ? AND state = 'pending' AND attempts = 0", id) == 1));
            assertThat(scalar(db.dataSource(), "SELECT count(*) FROM jobs.job WHERE id = ? AND abs(extract(epoch FROM run_at - ?)) < 0.001", id,
                    Timestamp.from(clock.instant().plusSeconds(30)))).as("pending again exactly 30 s later on the queue's clock").isEqualTo(1);
            assertThat(scalar(db.dataSource(), "SELECT jsonb_array_length(errors) FROM jobs.job WHERE id = ?", id)).as("no error recorded").isZero();

            clock.advance(Duration.ofSeconds(29));
            Thread.sleep(300);
            assertThat(runs).as("not claimed before its delay").hasValue(1);
            clock.advance(Duration.ofSeconds(2));
            await("postponed again", Duration.ofSeconds(30), sql(() -> runs.get() == 2
                    && scalar(db.dataSource(), "SELECT count(*) FROM jobs.job WHERE id = ? AND state = 'pending' AND attempts = 0", id) == 1));

            breakerOpen.set(false);
            clock.advance(Duration.ofSeconds(31));
            await("done", Duration.ofSeconds(30), sql(() -> scalar(db.dataSource(), "SELECT count(*) FROM jobs.job WHERE id = ?", id) == 0));
        }
        assertThat(runs).hasValue(3);
        assertThat(attemptsSeen).as("every run was the job's first attempt").containsExactly(1, 1, 1);
        assertThat(queue.deadLetterCounts()).doesNotContainKey("postpone");
    }

    @Test
    void aHandlerThatOverrunsItsTimeoutIsInterruptedAndRetried(TestDatabase db) throws Exception {
        JobQueue queue = new JobQueue(db.dataSource(), QueueTestSupport.fast().withHandlerTimeout(Duration.ofMillis(200)),
                Clock.systemUTC(), JobEvents.NONE);
        long id = enqueue(queue, NewJob.builder("slow", "t", "hang").maxAttempts(2).build()).id();
        AtomicInteger interrupted = new AtomicInteger();
        try (JobWorker worker = JobWorker.builder(queue, "slow").handler("hang", (job, ctx) -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.incrementAndGet();
                throw e;
            }
        }).build().start()) {
            await("timed out twice", Duration.ofSeconds(30), sql(() -> scalar(db.dataSource(), "SELECT count(*) FROM jobs.dead_job WHERE id = ?", id) == 1));
        }
        assertThat(interrupted).hasValue(2);
        assertThat(queue.deadJobs("slow", 1).get(0).lastError()).contains("ran past its timeout of PT0.2S");
        QueueTestSupport.execute(db.dataSource(), "DELETE FROM jobs.dead_job WHERE queue = 'slow'");
    }
}
