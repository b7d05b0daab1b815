package io.headroom.jobs;

import io.headroom.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.testing.FreshDatabase;
import io.headroom.testing.TestDatabase;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Claims are fair across tenants: a deep backlog cannot make another tenant's job wait. */
@FreshDatabase
class FairnessTest {

    final MutableClock clock = MutableClock.atNow();

    @AfterEach
    void invariantsHold(TestDatabase db) throws Exception {
        QueueInvariants.assertHold(db.dataSource());
    }

    JobWorker worker(TestDatabase db, String queueName) {
        JobQueue queue = new JobQueue(db.dataSource(), QueueTestSupport.fast(), clock, JobEvents.NONE);
        return JobWorker.builder(queue, queueName).handler("noop", (job, ctx) -> { }).build();  // claimed by hand, never started
    }

    @Test
    void aTenantWith100000PendingJobsDelaysAnotherTenantsSingleJobByAtMostOneClaim(TestDatabase db) throws Exception {
        Instant earlier = clock.instant().minusSeconds(60);
        QueueTestSupport.backlog(db, "fair", "big", 100_000, earlier);
        QueueTestSupport.backlog(db, "fair", "small", 1, clock.instant());
        JobWorker worker = worker(db, "fair");

        List<Job> firstClaim = worker.claim(10);

        assertThat(firstClaim).hasSize(10);
        assertThat(firstClaim).extracting(Job::tenant).contains("small");
        QueueTestSupport.execute(db.dataSource(), "TRUNCATE jobs.job_g0, jobs.job_g1, jobs.job_g2");
    }

    @Test
    void aClaimSplitsTheBatchEquallyAndHandsUnusedSharesToTenantsWithMore(TestDatabase db) throws Exception {
        Instant ready = clock.instant();
        QueueTestSupport.backlog(db, "share", "a", 50, ready);
        QueueTestSupport.backlog(db, "share", "b", 50, ready);
        QueueTestSupport.backlog(db, "share", "c", 1, ready);
        JobWorker worker = worker(db, "share");

        Map<String, Integer> perTenant = countByTenant(worker.claim(9));

        assertThat(perTenant).containsEntry("c", 1);
        assertThat(perTenant.get("a") + perTenant.get("b")).isEqualTo(8);
        assertThat(perTenant.get("a")).isBetween(3, 5);
        QueueTestSupport.execute(db.dataSource(), "TRUNCATE jobs.job_g0, jobs.job_g1, jobs.job_g2");
    }

    @Test
    void withMoreReadyTenantsThanTheBatchEveryTenantIsServedRoundRobin(TestDatabase db) throws Exception {
        for (int t = 0; t < 30; t++) {
            QueueTestSupport.backlog(db, "rr", "tenant-%02d".formatted(t), 20, clock.instant());
        }
        JobWorker worker = worker(db, "rr");

        Set<String> served = new HashSet<>();
        for (int claim = 0; claim < 3; claim++) {
            List<Job> jobs = worker.claim(10);
            assertThat(countByTenant(jobs).values()).as("one job per tenant while tenants outnumber the batch").containsOnly(1);
            served.addAll(countByTenant(jobs).keySet());
        }
        assertThat(served).hasSize(30);
        QueueTestSupport.execute(db.dataSource(), "TRUNCATE jobs.job_g0, jobs.job_g1, jobs.job_g2");
    }

    @Test
    void withinATenantHigherPriorityRunsFirstAndFutureJobsWait(TestDatabase db) throws Exception {
        JobQueue queue = new JobQueue(db.dataSource(), QueueTestSupport.fast(), clock, JobEvents.NONE);
        QueueTestSupport.enqueue(queue, NewJob.builder("prio", "t", "noop").payload("{\"p\": \"low\"}").build());
        QueueTestSupport.enqueue(queue, NewJob.builder("prio", "t", "noop").payload("{\"p\": \"high\"}").priority(5).build());
        QueueTestSupport.enqueue(queue, NewJob.builder("prio", "t", "noop").payload("{\"p\": \"later\"}").priority(9)
                .runAt(clock.instant().plusSeconds(60)).build());
        JobWorker worker = worker(db, "prio");

        assertThat(worker.claim(1)).singleElement().extracting(Job::payload).asString().contains("high");
        assertThat(worker.claim(5)).singleElement().extracting(Job::payload).asString().contains("low");
        clock.advance(java.time.Duration.ofSeconds(61));
        assertThat(worker.claim(5)).singleElement().extracting(Job::payload).asString().contains("later");
        QueueTestSupport.execute(db.dataSource(), "TRUNCATE jobs.job_g0, jobs.job_g1, jobs.job_g2");
    }

    @Test
    void aJobThatAppearsBehindATenantsClaimRangeWaitsAtMostOneDiscoveryInterval(TestDatabase db) throws Exception {
        JobQueue queue = new JobQueue(db.dataSource(), QueueTestSupport.fast(), clock, JobEvents.NONE);
        for (int i = 0; i < 3; i++) {
            QueueTestSupport.enqueue(queue, NewJob.builder("behind", "t", "noop").payload("{\"p\": \"low-" + i + "\"}").build());
        }
        JobWorker worker = worker(db, "behind");
        assertThat(worker.claim(1)).singleElement().extracting(Job::payload).asString().contains("low-0");

        QueueTestSupport.enqueue(queue, NewJob.builder("behind", "t", "noop").payload("{\"p\": \"urgent\"}").priority(5).build());
        assertThat(worker.claim(1)).as("the range continues after low-0").singleElement().extracting(Job::payload).asString().contains("low-1");

        clock.advance(queue.config().discoveryInterval());
        assertThat(worker.claim(1)).as("discovery resets the range").singleElement().extracting(Job::payload).asString().contains("urgent");
        QueueTestSupport.execute(db.dataSource(), "TRUNCATE jobs.job_g0, jobs.job_g1, jobs.job_g2");
    }

    private static Map<String, Integer> countByTenant(List<Job> jobs) {
        Map<String, Integer> counts = new HashMap<>();
        jobs.forEach(job -> counts.merge(job.tenant(), 1, Integer::sum));
        return counts;
    }
}
