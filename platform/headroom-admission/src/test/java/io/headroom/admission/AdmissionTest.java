package io.headroom.admission;

import io.headroom.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Who gets in, who waits, who is turned away: a fixed limit of 4 (the adaptive limit has its own test), an
 * injected clock for quotas, deadlines and CoDel; waiting is real but short.
 */
class AdmissionTest {

    final MutableClock clock = new MutableClock();
    final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    Admission admission(Admission.Settings settings) {
        return new Admission(new GradientLimit(4, 4, 4, 1.5, 0.2, 100, 10), settings, clock, clock::nanoTime, AdmissionEvents.NONE);
    }

    Admission.Settings settings() {
        return Admission.Settings.defaults().withPlans(Map.of()).withTenantMaxShare(1.0).withMaxWait(Duration.ofSeconds(5));
    }

    static Admission.Request req(Priority p, String tenant) {
        return new Admission.Request(p, tenant, "standard", null);
    }

    CompletableFuture<Admission.Permit> async(Admission a, Admission.Request r) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return a.acquire(r);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, threads);
    }

    void awaitQueued(Admission a, Priority p, int n) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (a.queued(p) < n && System.nanoTime() < until) {
            Thread.sleep(2);
        }
        assertThat(a.queued(p)).isEqualTo(n);
    }

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    @Test
    void upToTheLimitStartAtOnceAndTheNextWaitsForAFreedPermit() throws Exception {
        Admission a = admission(settings());
        List<Admission.Permit> held = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            held.add(a.acquire(req(Priority.CRITICAL, "t" + i)));
        }
        CompletableFuture<Admission.Permit> fifth = async(a, req(Priority.CRITICAL, "t5"));
        awaitQueued(a, Priority.CRITICAL, 1);
        assertThat(fifth).isNotDone();

        held.get(0).close();

        assertThat(fifth.get(5, TimeUnit.SECONDS)).isNotNull();
        assertThat(a.inflight()).isEqualTo(4);
    }

    @Test
    void eachClassWaitsItsOwnLongestWaitCriticalTheLongest() throws Exception {
        Admission a = admission(settings().withMaxWaits(Map.of(Priority.CRITICAL, Duration.ofSeconds(5),
                Priority.DEFAULT, Duration.ofMillis(20), Priority.SHEDDABLE, Duration.ofMillis(20))));
        List<Admission.Permit> held = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            held.add(a.acquire(req(Priority.CRITICAL, "t" + i)));
        }
        CompletableFuture<Admission.Permit> critical = async(a, req(Priority.CRITICAL, "c"));
        awaitQueued(a, Priority.CRITICAL, 1);

        // A DEFAULT request that came later is turned away when its 20 ms are up; the CRITICAL one is still waiting.
        assertThatThrownBy(() -> a.acquire(req(Priority.DEFAULT, "d")))
                .isInstanceOfSatisfying(Rejected.class, r -> assertThat(r.reason()).isEqualTo(Rejected.Reason.OVERLOADED));
        assertThat(critical).isNotDone();
        assertThat(a.queued(Priority.CRITICAL)).isEqualTo(1);

        held.get(0).close();
        assertThat(critical.get(5, TimeUnit.SECONDS)).isNotNull();
    }

    @Test
    void settingsNeedALongestWaitForEveryClass() {
        assertThatThrownBy(() -> settings().withMaxWaits(Map.of(Priority.CRITICAL, Duration.ofSeconds(1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("every class");
    }

    @Test
    void freedCapacityGoesToCriticalBeforeSheddableEvenWhenSheddableBorrowedEverything() throws Exception {
        Admission a = admission(settings());
        List<Admission.Permit> sheddable = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            sheddable.add(a.acquire(req(Priority.SHEDDABLE, "bulk")));
        }
        CompletableFuture<Admission.Permit> laterSheddable = async(a, req(Priority.SHEDDABLE, "bulk"));
        awaitQueued(a, Priority.SHEDDABLE, 1);
        CompletableFuture<Admission.Permit> critical = async(a, req(Priority.CRITICAL, "shop"));
        awaitQueued(a, Priority.CRITICAL, 1);

        sheddable.get(0).close();

        assertThat(critical.get(5, TimeUnit.SECONDS)).isNotNull();
        assertThat(laterSheddable).isNotDone();
    }

    @Test
    void aFullSheddableQueueIsRejectedWhileCriticalStillGetsIn() throws Exception {
        Admission a = admission(settings());
        for (int i = 0; i < 3; i++) {
            a.acquire(req(Priority.SHEDDABLE, "bulk"));
        }
        // With one permit left, SHEDDABLE (share 10% of 4 = 1, already used 3 by borrowing) may take it only if no
        // one with an unused share is waiting; CRITICAL arrives and gets it.
        List<CompletableFuture<Admission.Permit>> flood = new ArrayList<>();
        a.acquire(req(Priority.SHEDDABLE, "bulk"));
        for (int i = 0; i < 20; i++) {
            flood.add(async(a, req(Priority.SHEDDABLE, "bulk")));
        }
        awaitQueued(a, Priority.SHEDDABLE, 20);

        assertThatThrownBy(() -> a.acquire(req(Priority.SHEDDABLE, "bulk")))
                .isInstanceOf(Rejected.class)
                .satisfies(e -> assertThat(((Rejected) e).reason()).isEqualTo(Rejected.Reason.OVERLOADED))
                .satisfies(e -> assertThat(((Rejected) e).tenantLimited()).isFalse());
        CompletableFuture<Admission.Permit> critical = async(a, req(Priority.CRITICAL, "shop"));
        awaitQueued(a, Priority.CRITICAL, 1);
        assertThat(flood).noneMatch(CompletableFuture::isDone);
    }

    @Test
    void aTenantOverItsQuotaGets429InformationAndTheBucketRefills() throws Exception {
        Admission a = admission(settings().withPlans(Map.of("free", new Admission.Plan(5, 10))));
        Admission.Request r = new Admission.Request(Priority.DEFAULT, "noisy", "free", null);
        for (int i = 0; i < 10; i++) {
            a.acquire(r).close();
        }

        assertThatThrownBy(() -> a.acquire(r)).isInstanceOf(Rejected.class).satisfies(e -> {
            Rejected rejected = (Rejected) e;
            assertThat(rejected.reason()).isEqualTo(Rejected.Reason.TENANT_QUOTA);
            assertThat(rejected.tenantLimited()).isTrue();
            assertThat(rejected.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofMillis(200));
            assertThat(rejected.quota().policyHeader()).isEqualTo("\"tenant\";q=10;w=2");
            assertThat(rejected.quota().stateHeader()).isEqualTo("\"tenant\";r=0;t=2");
        });

        clock.advance(Duration.ofSeconds(1));
        for (int i = 0; i < 5; i++) {
            a.acquire(r).close();
        }
        assertThatThrownBy(() -> a.acquire(r)).isInstanceOf(Rejected.class);
        assertThat(a.acquire(new Admission.Request(Priority.DEFAULT, "quiet", "free", null))).as("another tenant's bucket").isNotNull();
    }

    @Test
    void quotaBucketsAreKeptOnlyForTenantsSeenWithinTheirRefillTime() throws Exception {
        // free: 5/s, burst 10, so an emptied bucket is full again after 2 s.
        Admission a = admission(settings().withPlans(Map.of("free", new Admission.Plan(5, 10))));
        for (int t = 0; t < 1_000; t++) {
            a.acquire(new Admission.Request(Priority.DEFAULT, "tenant-" + t, "free", null)).close();
        }
        assertThat(a.trackedTenants()).isEqualTo(1_000);

        // A tenant that spent its burst and waited less than the refill time still has its (partly refilled) bucket.
        Admission.Request noisy = new Admission.Request(Priority.DEFAULT, "noisy", "free", null);
        for (int i = 0; i < 10; i++) {
            a.acquire(noisy).close();
        }
        clock.advance(Duration.ofMillis(1_900));
        assertThat(a.trackedTenants()).as("1.9 s idle: not full yet, so kept").isEqualTo(1_001);
        for (int i = 0; i < 9; i++) {
            a.acquire(noisy).close();
        }
        assertThatThrownBy(() -> a.acquire(noisy)).as("9.5 tokens refilled, not 10").isInstanceOf(Rejected.class);

        // Past the refill time the idle tenants' buckets are dropped (Caffeine sweeps expired entries on a timer
        // wheel of about a second's resolution, so allow a few seconds); the one in use stays.
        for (int s = 0; s < 4; s++) {
            clock.advance(Duration.ofSeconds(1));
            a.acquire(noisy).close();
        }
        assertThat(a.trackedTenants()).isEqualTo(1);

        // A dropped tenant comes back to a full bucket, as it would have had anyway.
        Admission.Request back = new Admission.Request(Priority.DEFAULT, "tenant-7", "free", null);
        for (int i = 0; i < 10; i++) {
            a.acquire(back).close();
        }
        assertThatThrownBy(() -> a.acquire(back)).isInstanceOf(Rejected.class)
                .satisfies(e -> assertThat(((Rejected) e).reason()).isEqualTo(Rejected.Reason.TENANT_QUOTA));
    }

    @Test
    void withinAClassTenantsAreServedRoundRobinAndNoTenantTakesMoreThanItsShare() throws Exception {
        Admission a = admission(settings().withTenantMaxShare(0.5));
        Admission.Permit n1 = a.acquire(req(Priority.DEFAULT, "noisy"));
        Admission.Permit n2 = a.acquire(req(Priority.DEFAULT, "noisy"));
        // The noisy tenant holds its share (2 of 4): its next requests wait although capacity is free.
        List<CompletableFuture<Admission.Permit>> noisy = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            noisy.add(async(a, req(Priority.DEFAULT, "noisy")));
        }
        awaitQueued(a, Priority.DEFAULT, 5);
        assertThat(a.inflight()).isEqualTo(2);

        // A quiet tenant is not queued behind the noisy one.
        assertThat(a.acquire(req(Priority.DEFAULT, "quiet"))).isNotNull();
        n1.close();
        CompletableFuture<?> first = CompletableFuture.anyOf(noisy.toArray(CompletableFuture[]::new));
        first.get(5, TimeUnit.SECONDS);
        assertThat(noisy.stream().filter(CompletableFuture::isDone).count()).isEqualTo(1);
        n2.close();
    }

    @Test
    void aTenantsBurstFillsOnlyItsShareOfTheQueueAndTheOthersStillWait() throws Exception {
        Admission a = admission(settings().withTenantMaxShare(0.5));
        List<Admission.Permit> held = new ArrayList<>();
        for (String t : List.of("a", "a", "b", "b")) {
            held.add(a.acquire(req(Priority.DEFAULT, t)));
        }
        // The DEFAULT queue holds 50; half of it (25) is the noisy tenant's at most.
        List<CompletableFuture<Admission.Permit>> noisy = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            noisy.add(async(a, req(Priority.DEFAULT, "noisy")));
        }
        awaitQueued(a, Priority.DEFAULT, 25);

        assertThatThrownBy(() -> a.acquire(req(Priority.DEFAULT, "noisy"))).isInstanceOf(Rejected.class).satisfies(e -> {
            assertThat(((Rejected) e).reason()).isEqualTo(Rejected.Reason.TENANT_BUSY);
            assertThat(((Rejected) e).tenantLimited()).as("429, the tenant's own limit").isTrue();
        });
        CompletableFuture<Admission.Permit> quiet = async(a, req(Priority.DEFAULT, "quiet"));
        awaitQueued(a, Priority.DEFAULT, 26);
        held.get(0).close();
        held.get(2).close();
        assertThat(quiet.get(5, TimeUnit.SECONDS)).as("served in turn, not refused").isNotNull();
    }

    @Test
    void aStandingQueueLetsNewWaitersWaitOnlyTheCodelTargetAndServesNewestFirst() throws Exception {
        Admission a = admission(settings().withMaxWait(Duration.ofSeconds(5)));
        List<Admission.Permit> held = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            held.add(a.acquire(req(Priority.DEFAULT, "t" + i)));
        }
        CompletableFuture<Admission.Permit> older = async(a, req(Priority.DEFAULT, "a"));
        awaitQueued(a, Priority.DEFAULT, 1);
        CompletableFuture<Admission.Permit> newer = async(a, req(Priority.DEFAULT, "a"));
        awaitQueued(a, Priority.DEFAULT, 2);
        clock.advance(Duration.ofMillis(150)); // the queue has not been empty for 150 ms: it is standing

        long start = System.nanoTime();
        assertThatThrownBy(() -> a.acquire(req(Priority.DEFAULT, "b")))
                .isInstanceOf(Rejected.class)
                .satisfies(e -> assertThat(((Rejected) e).reason()).isEqualTo(Rejected.Reason.OVERLOADED));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("gave up after about 5 ms, not 5 s").isLessThan(Duration.ofSeconds(2));

        held.get(0).close();

        assertThat(newer.get(5, TimeUnit.SECONDS)).as("LIFO while the queue stands: the newest waiter first").isNotNull();
        assertThat(older).isNotDone();
        held.get(1).close();
        assertThat(older.get(5, TimeUnit.SECONDS)).isNotNull();
    }

    @Test
    void expiredDeadlinesAreNeverStarted() throws Exception {
        Admission a = admission(settings());
        Admission.Request late = new Admission.Request(Priority.CRITICAL, "t", "standard", new Deadline(clock.instant()));
        assertThatThrownBy(() -> a.acquire(late)).isInstanceOf(Rejected.class)
                .satisfies(e -> assertThat(((Rejected) e).reason()).isEqualTo(Rejected.Reason.DEADLINE));
        assertThat(a.inflight()).isZero();

        List<Admission.Permit> held = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            held.add(a.acquire(req(Priority.CRITICAL, "t" + i)));
        }
        Admission.Request soon = new Admission.Request(Priority.CRITICAL, "w", "standard", new Deadline(clock.instant().plusSeconds(1)));
        CompletableFuture<Admission.Permit> waiting = async(a, soon);
        awaitQueued(a, Priority.CRITICAL, 1);
        clock.advance(Duration.ofSeconds(2)); // its deadline passes while it waits
        held.get(0).close();

        assertThat(waiting).failsWithin(5, TimeUnit.SECONDS).withThrowableThat()
                .havingRootCause().isInstanceOf(Rejected.class)
                .satisfies(e -> assertThat(((Rejected) e).reason()).isEqualTo(Rejected.Reason.DEADLINE));
        assertThat(a.inflight()).as("the freed permit was not given to the expired request").isEqualTo(3);
    }

    @Test
    void aClientMayLowerItsClassButNotRaiseIt() {
        assertThat(Priority.DEFAULT.loweredBy("sheddable")).isEqualTo(Priority.SHEDDABLE);
        assertThat(Priority.DEFAULT.loweredBy("CRITICAL")).isEqualTo(Priority.DEFAULT);
        assertThat(Priority.CRITICAL.loweredBy("nonsense")).isEqualTo(Priority.CRITICAL);
        assertThat(Priority.SHEDDABLE.loweredBy(null)).isEqualTo(Priority.SHEDDABLE);
    }
}
