package io.headroom.jobs;

import static io.headroom.jobs.QueueTestSupport.await;
import static io.headroom.jobs.QueueTestSupport.enqueue;
import static io.headroom.jobs.QueueTestSupport.scalar;
import static io.headroom.jobs.QueueTestSupport.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.testing.FreshDatabase;
import io.headroom.testing.TestDatabase;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@FreshDatabase
class EnqueueAndCompleteTest {

    @AfterEach
    void invariantsHold(TestDatabase db) throws Exception {
        QueueInvariants.assertHold(db.dataSource());
    }

    @Test
    void aJobExistsIfAndOnlyIfTheEnqueuingTransactionCommits(TestDatabase db) throws Exception {
        JobQueue queue = new JobQueue(db.dataSource(), QueueTestSupport.fast(), Clock.systemUTC(), JobEvents.NONE);
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            queue.enqueue(c, NewJob.builder("tx", "t1", "noop").build());
            c.rollback();
            queue.enqueue(c, NewJob.builder("tx", "t1", "noop").payload("{\"n\": 2}").build());
            c.commit();
        }
        assertThat(scalar(db.dataSource(), "SELECT count(*) FROM jobs.job WHERE queue = 'tx'")).isEqualTo(1);
        assertThat(scalar(db.dataSource(), "SELECT (payload->>'n')::int FROM jobs.job WHERE queue = 'tx'")).isEqualTo(2);
    }

    @Test
    void aWorkerRunsEachJobOnceAndFinishedJobsLeaveTheTable(TestDatabase db) throws Exception {
        JobQueue queue = new JobQueue(db.dataSource(), QueueTestSupport.fast(), Clock.systemUTC(), JobEvents.NONE);
        List<Job> seen = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 50; i++) {
            enqueue(queue, NewJob.builder("work", "tenant-" + (i % 3), "record").payload("{\"i\": " + i + "}")
                    .traceParent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01").build());
        }
        try (JobWorker worker = JobWorker.builder(queue, "work").handler("record", (job, ctx) -> seen.add(job)).build().start()) {
            await("50 jobs done", Duration.ofSeconds(30), sql(() -> scalar(db.dataSource(), "SELECT count(*) FROM jobs.job WHERE queue = 'work'") == 0));
        }
        assertThat(seen).hasSize(50);
        assertThat(seen).extracting(Job::id).doesNotHaveDuplicates();
        assertThat(seen).allSatisfy(job -> {
            assertThat(job.attempt()).isEqualTo(1);
            assertThat(job.key()).isEqualTo("work:job:" + job.id());
            assertThat(job.traceParent()).startsWith("00-0af7651916cd43dd8448eb211c80319c-");
        });
    }

    @Test
    void aWorkersOwnConcurrencyCapsTheJobsItRunsAtOnce(TestDatabase db) throws Exception {
        JobQueue queue = new JobQueue(db.dataSource(), QueueTestSupport.fast().toBuilder().concurrency(16).build(), Clock.systemUTC(),
                JobEvents.NONE);
        for (int i = 0; i < 12; i++) {
            enqueue(queue, NewJob.builder("heavy", "tenant-" + (i % 3), "slow").build());
        }
        java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
        JobHandler slow = (job, ctx) -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                Thread.sleep(50);
            } finally {
                running.decrementAndGet();
            }
        };
        try (JobWorker worker = JobWorker.builder(queue, "heavy").concurrency(2).handler("slow", slow).build().start()) {
            await("12 jobs done", Duration.ofSeconds(30), sql(() -> scalar(db.dataSource(), "SELECT count(*) FROM jobs.job WHERE queue = 'heavy'") == 0));
        }
        // The queue's config allows 16 at once; the worker's own setting holds it at 2, and it does use both.
        assertThat(most.get()).isEqualTo(2);
        assertThatThrownBy(() -> JobWorker.builder(queue, "heavy").concurrency(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1, got 0");
    }

    @Test
    void aDedupKeyIsUniqueAmongUnfinishedJobsOfAQueue(TestDatabase db) throws Exception {
        JobQueue queue = new JobQueue(db.dataSource(), QueueTestSupport.fast(), Clock.systemUTC(), JobEvents.NONE);
        Enqueued first = enqueue(queue, NewJob.builder("dedup", "t1", "charge").dedupKey("order-7").build());
        Enqueued again = enqueue(queue, NewJob.builder("dedup", "t1", "charge").dedupKey("order-7").build());
        Enqueued otherQueue = enqueue(queue, NewJob.builder("dedup-other", "t1", "charge").dedupKey("order-7").build());

        assertThat(again).isEqualTo(new Enqueued(first.id(), true));
        assertThat(otherQueue.duplicate()).isFalse();
        assertThat(scalar(db.dataSource(), "SELECT count(*) FROM jobs.job WHERE queue = 'dedup'")).isEqualTo(1);

        try (JobWorker worker = JobWorker.builder(queue, "dedup").handler("charge", (job, ctx) -> { }).build().start()) {
            await("deduped job done", Duration.ofSeconds(30), sql(() -> scalar(db.dataSource(), "SELECT count(*) FROM jobs.job WHERE queue = 'dedup'") == 0));
        }
        Enqueued afterFinish = enqueue(queue, NewJob.builder("dedup", "t1", "charge").dedupKey("order-7").build());
        assertThat(afterFinish.duplicate()).isFalse();
        assertThat(afterFinish.id()).isNotEqualTo(first.id());
        QueueTestSupport.execute(db.dataSource(), "DELETE FROM jobs.dedup WHERE queue = 'dedup-other'; DELETE FROM jobs.job WHERE queue = 'dedup-other'");
    }

    @Test
    void aTenantAtItsPendingCapIsRefusedAndNothingIsWritten(TestDatabase db) throws Exception {
        JobQueue queue = new JobQueue(db.dataSource(), QueueTestSupport.fast().withTenantPendingCap(3), Clock.systemUTC(), JobEvents.NONE);
        for (int i = 0; i < 3; i++) {
            enqueue(queue, NewJob.builder("capped", "noisy", "noop").build());
        }

        assertThatThrownBy(() -> enqueue(queue, NewJob.builder("capped", "noisy", "noop").build()))
                .isInstanceOfSatisfying(TenantQueueFullException.class, e -> {
                    assertThat(e.tenant()).isEqualTo("noisy");
                    assertThat(e.cap()).isEqualTo(3);
                })
                .hasMessage("tenant noisy already has 3 pending jobs on queue capped (its cap); try again later");
        enqueue(queue, NewJob.builder("capped", "quiet", "noop").build());
        assertThat(scalar(db.dataSource(), "SELECT count(*) FROM jobs.job WHERE queue = 'capped' AND tenant = 'noisy'")).isEqualTo(3);
        assertThat(scalar(db.dataSource(), "SELECT count(*) FROM jobs.job WHERE queue = 'capped' AND tenant = 'quiet'")).isEqualTo(1);
        QueueTestSupport.execute(db.dataSource(), "DELETE FROM jobs.job WHERE queue = 'capped'");
    }

    @Test
    void badJobsAreRefusedBeforeAnythingIsWritten() {
        assertThatThrownBy(() -> NewJob.builder("q", " ", "k").build()).hasMessage("tenant must not be blank");
        assertThatThrownBy(() -> NewJob.builder("q", "t", "k").maxAttempts(0).build()).hasMessage("maxAttempts must be at least 1, got 0");
        assertThatThrownBy(() -> NewJob.builder("q", "t", "k").priority(40_000).build()).hasMessageContaining("smallint");
    }
}
