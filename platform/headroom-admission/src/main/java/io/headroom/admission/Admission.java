package io.headroom.admission;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Inbound admission control: who may start work now, who waits briefly, who is turned away — before any database
 * work. In order:
 * <ol>
 *   <li><b>Deadline</b>: a request whose deadline has passed is not started.</li>
 *   <li><b>Tenant quota</b>: a token bucket per tenant (Bucket4j), rate and burst by plan → 429. Buckets are kept
 *       only for tenants seen lately: a bucket left alone for {@code burst / perSecond} seconds is full again, so it
 *       is dropped and a new, full one made on the tenant's next request — the same answer, and memory that follows
 *       the tenants active now, not every tenant ever seen.</li>
 *   <li><b>Concurrency limit</b> ({@link GradientLimit}): at most {@code limit} requests in flight, with a
 *       guaranteed share per class (70/20/10 by default); a class may borrow what the others leave idle.</li>
 *   <li><b>Tenant share</b>: a tenant may hold at most {@code tenantMaxShare} of the limit, and of each class's
 *       queue (beyond it → 429): one tenant's burst cannot fill the queue and have the others' requests refused.</li>
 *   <li><b>Queueing</b>: a request that cannot start waits in its class's bounded queue, where tenants are served
 *       round robin (fair queuing). CoDel style: when a class's queue has not been empty for
 *       {@code codelInterval} (100 ms), new waiters may wait only {@code codelTarget} (5 ms) and are served newest
 *       first (LIFO), so a standing queue drains instead of serving stale requests; otherwise they wait up to
 *       their class's {@code maxWaits} (CRITICAL 1 s, the others 200 ms), never past their deadline.</li>
 * </ol>
 * Freed capacity goes first to classes below their guaranteed share, then by priority. Thread-safe; waiting
 * blocks the caller (cheap on virtual threads).
 */
public final class Admission {

    /** A tenant's quota: {@code perSecond} sustained, {@code burst} at once. */
    public record Plan(long perSecond, long burst) {
    }

    /** What is asked of admission for one request. */
    public record Request(Priority priority, String tenant, String plan, Deadline deadline) {
    }

    /**
     * Settings; {@link #defaults()} gives the documented ones. {@code maxWaits}: how long a request of each class may
     * wait in its queue while the queue is not standing. CRITICAL waits longest (1 s, half its default deadline in the
     * app): a checkout turned away after 200 ms had most of its 2 s left, and only a passing stall was holding it (at
     * 5x overload on two shared cores, 10 of 240 checkouts, 2026-12-07). A lasting CRITICAL overload is CoDel's.
     */
    public record Settings(Map<Priority, Double> shares, Map<Priority, Integer> queueSizes, Map<Priority, Duration> maxWaits,
                           Duration codelInterval, Duration codelTarget, double tenantMaxShare, Map<String, Plan> plans) {

        public Settings {
            for (Priority p : Priority.values()) {
                if (maxWaits.get(p) == null || maxWaits.get(p).isNegative()) {
                    throw new IllegalArgumentException("maxWaits needs a wait of zero or more for every class, got " + maxWaits);
                }
            }
        }

        public static Settings defaults() {
            return new Settings(Map.of(Priority.CRITICAL, 0.7, Priority.DEFAULT, 0.2, Priority.SHEDDABLE, 0.1),
                    Map.of(Priority.CRITICAL, 100, Priority.DEFAULT, 50, Priority.SHEDDABLE, 20),
                    Map.of(Priority.CRITICAL, Duration.ofSeconds(1), Priority.DEFAULT, Duration.ofMillis(200), Priority.SHEDDABLE, Duration.ofMillis(200)),
                    Duration.ofMillis(100), Duration.ofMillis(5), 0.5,
                    Map.of("free", new Plan(5, 10), "standard", new Plan(50, 100), "premium", new Plan(200, 400)));
        }

        public Settings withPlans(Map<String, Plan> value) {
            return new Settings(shares, queueSizes, maxWaits, codelInterval, codelTarget, tenantMaxShare, value);
        }

        public Settings withTenantMaxShare(double value) {
            return new Settings(shares, queueSizes, maxWaits, codelInterval, codelTarget, value, plans);
        }

        /** The same longest wait for every class. */
        public Settings withMaxWait(Duration value) {
            return withMaxWaits(Map.of(Priority.CRITICAL, value, Priority.DEFAULT, value, Priority.SHEDDABLE, value));
        }

        public Settings withMaxWaits(Map<Priority, Duration> value) {
            return new Settings(shares, queueSizes, value, codelInterval, codelTarget, tenantMaxShare, plans);
        }
    }

    /** Held while a request runs; {@link #close()} (or {@link #release(boolean)}) gives the capacity back. */
    public final class Permit implements AutoCloseable {
        private final Request request;
        private final long startedNanos;
        private final int inflightAtStart;
        private final long cutsAtStart;
        private final Quota quota;
        private boolean released;

        private Permit(Request request, int inflightAtStart, Quota quota) {
            this.request = request;
            this.startedNanos = nanoTime.getAsLong();
            this.inflightAtStart = inflightAtStart;
            this.cutsAtStart = limit.cuts();
            this.quota = quota;
        }

        /** The tenant's quota after this request, for the RateLimit headers; null without a quota. */
        public Quota quota() {
            return quota;
        }

        /** @param dropped whether the request failed for lack of capacity (a timeout): the limit backs off */
        public void release(boolean dropped) {
            release(GradientLimit.ANY, dropped);
        }

        /**
         * @param kind    what sort of request it was (route and status class): its latency counts against the
         *                baseline of its own kind, see {@link GradientLimit}
         * @param dropped whether the request failed for lack of capacity (a timeout): the limit backs off
         */
        public void release(String kind, boolean dropped) {
            synchronized (this) {
                if (released) {
                    return;
                }
                released = true;
            }
            limit.onSample(kind, nanoTime.getAsLong() - startedNanos, inflightAtStart, dropped, cutsAtStart);
            finished(request);
        }

        @Override
        public void close() {
            release(false);
        }
    }

    private static final class Waiter {
        final Request request;
        final CompletableFuture<Permit> granted = new CompletableFuture<>();
        final long enqueuedNanos;
        final Instant giveUpAt;

        Waiter(Request request, long enqueuedNanos, Instant giveUpAt) {
            this.request = request;
            this.enqueuedNanos = enqueuedNanos;
            this.giveUpAt = giveUpAt;
        }
    }

    /** One class's waiters: a queue per tenant, served round robin. */
    private static final class ClassQueue {
        final LinkedHashMap<String, ArrayDeque<Waiter>> byTenant = new LinkedHashMap<>();
        int size;
        Instant nonEmptySince;
    }

    private final GradientLimit limit;
    private final Settings settings;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private final AdmissionEvents events;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Priority, ClassQueue> queues = new EnumMap<>(Priority.class);
    private final Map<Priority, Integer> inflightByClass = new EnumMap<>(Priority.class);
    private final Map<String, Integer> inflightByTenant = new HashMap<>();
    private final Cache<String, TenantBucket> buckets;
    private final TimeMeter timeMeter;
    private int inflight;

    /** A tenant's bucket and how long it may sit unused before it is full again (nanoseconds). */
    private record TenantBucket(Bucket bucket, long refillNanos) {
    }

    public Admission(GradientLimit limit, Settings settings, Clock clock, LongSupplier nanoTime, AdmissionEvents events) {
        this.limit = limit;
        this.settings = settings;
        this.clock = clock;
        this.nanoTime = nanoTime;
        this.events = events;
        this.timeMeter = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return nanoTime.getAsLong();
            }

            @Override
            public boolean isWallClockBased() {
                return false;
            }
        };
        this.buckets = Caffeine.newBuilder()
                .ticker(nanoTime::getAsLong)
                .executor(Runnable::run) // housekeeping on the caller's thread: no pool, and deterministic in tests
                .expireAfter(Expiry.accessing((String tenant, TenantBucket b) -> Duration.ofNanos(b.refillNanos())))
                .build();
        for (Priority p : Priority.values()) {
            queues.put(p, new ClassQueue());
            inflightByClass.put(p, 0);
        }
    }

    public int limit() {
        return limit.limit();
    }

    /** The latency the adaptive limit considers normal for this kind of request (nanoseconds), or -1 if none seen. */
    public long baselineNanos(String kind) {
        return limit.baselineNanos(kind);
    }

    /**
     * How many tenants' quota buckets are kept: those that made a request within their bucket's refill time
     * ({@code burst / perSecond} seconds), plus any not yet swept.
     */
    public long trackedTenants() {
        buckets.cleanUp();
        return buckets.estimatedSize();
    }

    /** The time an empty bucket of this plan takes to fill, rounded up to a whole second. */
    private static long refillNanos(Plan plan) {
        long seconds = (plan.burst() + plan.perSecond() - 1) / plan.perSecond();
        return TimeUnit.SECONDS.toNanos(Math.max(1, seconds));
    }

    public int inflight() {
        lock.lock();
        try {
            return inflight;
        } finally {
            lock.unlock();
        }
    }

    public int queued(Priority priority) {
        lock.lock();
        try {
            return queues.get(priority).size;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Admits the request now, after a short wait, or not at all.
     *
     * @throws Rejected with the reason; nothing was started
     */
    public Permit acquire(Request request) throws Rejected, InterruptedException {
        if (request.deadline() != null && request.deadline().expired(clock)) {
            throw reject(request, Rejected.Reason.DEADLINE, "the request's deadline passed before it could start", Duration.ZERO, null);
        }
        Quota quota = null;
        Plan plan = settings.plans().get(request.plan());
        if (plan != null) {
            Bucket bucket = buckets.get(request.tenant(), t -> new TenantBucket(Bucket.builder()
                    .addLimit(l -> l.capacity(plan.burst()).refillGreedy(plan.perSecond(), Duration.ofSeconds(1)))
                    .withCustomTimePrecision(timeMeter).build(), refillNanos(plan))).bucket();
            ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
            long resetSeconds = (long) Math.ceil((double) (plan.burst() - probe.getRemainingTokens()) / plan.perSecond());
            quota = new Quota(plan.burst(), plan.perSecond(), probe.getRemainingTokens(), resetSeconds);
            if (!probe.isConsumed()) {
                Duration wait = Duration.ofNanos(probe.getNanosToWaitForRefill());
                throw reject(request, Rejected.Reason.TENANT_QUOTA, "tenant " + request.tenant() + " is over its quota of "
                        + plan.perSecond() + " requests per second (burst " + plan.burst() + ")", wait, quota);
            }
        }
        Waiter waiter;
        lock.lock();
        try {
            ClassQueue queue = queues.get(request.priority());
            if (queue.size == 0 && canStart(request.priority(), request.tenant())) {
                Permit permit = start(request, quota);
                events.admitted(request.priority(), request.tenant(), 0);
                return permit;
            }
            int queueSize = settings.queueSizes().get(request.priority());
            if (queue.size >= queueSize) {
                throw reject(request, Rejected.Reason.OVERLOADED, "the " + request.priority() + " queue is full", Duration.ofSeconds(1), null);
            }
            ArrayDeque<Waiter> own = queue.byTenant.get(request.tenant());
            if (own != null && own.size() >= Math.max(1, (int) Math.ceil(queueSize * settings.tenantMaxShare()))) {
                // A tenant's burst may fill its share of the queue, never all of it: the others' requests still wait.
                throw reject(request, Rejected.Reason.TENANT_BUSY, "tenant " + request.tenant() + " already has its share of the "
                        + request.priority() + " queue waiting", Duration.ofSeconds(1), quota);
            }
            Instant now = clock.instant();
            boolean standing = queue.nonEmptySince != null && !now.isBefore(queue.nonEmptySince.plus(settings.codelInterval()));
            Instant giveUpAt = now.plus(standing ? settings.codelTarget() : settings.maxWaits().get(request.priority()));
            if (request.deadline() != null && request.deadline().at().isBefore(giveUpAt)) {
                giveUpAt = request.deadline().at();
            }
            waiter = new Waiter(request, nanoTime.getAsLong(), giveUpAt);
            if (queue.size == 0) {
                queue.nonEmptySince = now;
            }
            queue.byTenant.computeIfAbsent(request.tenant(), t -> new ArrayDeque<>()).addLast(waiter);
            queue.size++;
            dispatch();
        } finally {
            lock.unlock();
        }
        return await(waiter, quota);
    }

    private Permit await(Waiter waiter, Quota quota) throws Rejected, InterruptedException {
        long waitNanos = Math.max(0, Duration.between(clock.instant(), waiter.giveUpAt).toNanos());
        try {
            Permit permit = waiter.granted.get(waitNanos, TimeUnit.NANOSECONDS);
            events.admitted(waiter.request.priority(), waiter.request.tenant(), nanoTime.getAsLong() - waiter.enqueuedNanos);
            return permit;
        } catch (TimeoutException | InterruptedException | java.util.concurrent.CancellationException e) {
            lock.lock();
            try {
                if (!waiter.granted.isDone()) {
                    remove(waiter);
                    waiter.granted.cancel(false);
                }
            } finally {
                lock.unlock();
            }
            if (waiter.granted.isDone() && !waiter.granted.isCancelled()) {
                Permit permit = waiter.granted.join();
                if (e instanceof InterruptedException) {
                    permit.close();
                    throw (InterruptedException) e;
                }
                return permit;
            }
            if (e instanceof InterruptedException) {
                throw (InterruptedException) e;
            }
            return rejectTimedOut(waiter, quota);
        } catch (ExecutionException e) {
            throw new IllegalStateException("admission failed", e.getCause());
        }
    }

    private Permit rejectTimedOut(Waiter waiter, Quota quota) throws Rejected {
        Request r = waiter.request;
        if (r.deadline() != null && r.deadline().expired(clock)) {
            throw reject(r, Rejected.Reason.DEADLINE, "the request's deadline passed while it waited to start", Duration.ZERO, null);
        }
        boolean tenantAtCap;
        lock.lock();
        try {
            tenantAtCap = inflightByTenant.getOrDefault(r.tenant(), 0) >= tenantCap();
        } finally {
            lock.unlock();
        }
        if (tenantAtCap) {
            throw reject(r, Rejected.Reason.TENANT_BUSY, "tenant " + r.tenant() + " already has its share of the capacity in use",
                    Duration.ofSeconds(1), quota);
        }
        throw reject(r, Rejected.Reason.OVERLOADED, "the system is at its concurrency limit", Duration.ofSeconds(1), null);
    }

    private void finished(Request request) {
        lock.lock();
        try {
            inflight--;
            inflightByClass.merge(request.priority(), -1, Integer::sum);
            inflightByTenant.computeIfPresent(request.tenant(), (t, n) -> n <= 1 ? null : n - 1);
            dispatch();
        } finally {
            lock.unlock();
        }
    }

    /** Hands free capacity to waiters: classes below their share first, then by priority; tenants round robin. */
    private void dispatch() {
        Instant now = clock.instant();
        while (inflight < limit.limit()) {
            Waiter next = null;
            for (int pass = 0; pass < 2 && next == null; pass++) {
                for (Priority p : Priority.values()) {
                    if (pass == 0 && inflightByClass.get(p) >= guaranteed(p)) {
                        continue;
                    }
                    next = take(p, now);
                    if (next != null) {
                        break;
                    }
                }
            }
            if (next == null) {
                return;
            }
            Permit permit = start(next.request, null);
            if (!next.granted.complete(permit)) {
                // Cancelled (its wait ran out) between take and complete: give the capacity back and go on.
                inflight--;
                inflightByClass.merge(next.request.priority(), -1, Integer::sum);
                inflightByTenant.computeIfPresent(next.request.tenant(), (t, n) -> n <= 1 ? null : n - 1);
            }
        }
    }

    /** The next waiter of a class whose tenant may start, rotating tenants; drops waiters whose time is up. */
    private Waiter take(Priority p, Instant now) {
        ClassQueue queue = queues.get(p);
        if (queue.size == 0) {
            return null;
        }
        boolean standing = queue.nonEmptySince != null && !now.isBefore(queue.nonEmptySince.plus(settings.codelInterval()));
        Iterator<Map.Entry<String, ArrayDeque<Waiter>>> tenants = queue.byTenant.entrySet().iterator();
        while (tenants.hasNext()) {
            Map.Entry<String, ArrayDeque<Waiter>> entry = tenants.next();
            if (inflightByTenant.getOrDefault(entry.getKey(), 0) >= tenantCap()) {
                continue;
            }
            ArrayDeque<Waiter> waiters = entry.getValue();
            Waiter w = standing ? waiters.pollLast() : waiters.pollFirst();
            queue.size--;
            if (w.request.deadline() != null && w.request.deadline().expired(clock)) {
                // Its deadline passed while it waited: dropped, not started (its thread reports the rejection).
                w.granted.cancel(false);
                if (waiters.isEmpty()) {
                    tenants.remove();
                }
                if (queue.size == 0) {
                    queue.nonEmptySince = null;
                }
                return take(p, now);
            }
            if (waiters.isEmpty()) {
                tenants.remove();
            } else {
                // Round robin: this tenant goes to the back of the line.
                tenants.remove();
                queue.byTenant.put(entry.getKey(), waiters);
            }
            if (queue.size == 0) {
                queue.nonEmptySince = null;
            }
            return w;
        }
        return null;
    }

    private void remove(Waiter w) {
        ClassQueue queue = queues.get(w.request.priority());
        ArrayDeque<Waiter> waiters = queue.byTenant.get(w.request.tenant());
        if (waiters != null && waiters.remove(w)) {
            queue.size--;
            if (waiters.isEmpty()) {
                queue.byTenant.remove(w.request.tenant());
            }
            if (queue.size == 0) {
                queue.nonEmptySince = null;
            }
        }
    }

    private boolean canStart(Priority p, String tenant) {
        if (inflight >= limit.limit() || inflightByTenant.getOrDefault(tenant, 0) >= tenantCap()) {
            return false;
        }
        if (inflightByClass.get(p) < guaranteed(p)) {
            return true;
        }
        // Borrowing: above its share a class may use capacity no one with a smaller share is waiting for.
        for (Priority other : Priority.values()) {
            if (other != p && queues.get(other).size > 0 && inflightByClass.get(other) < guaranteed(other)) {
                return false;
            }
        }
        return true;
    }

    private Permit start(Request request, Quota quota) {
        Permit permit = new Permit(request, inflight, quota);
        inflight++;
        inflightByClass.merge(request.priority(), 1, Integer::sum);
        inflightByTenant.merge(request.tenant(), 1, Integer::sum);
        return permit;
    }

    private int guaranteed(Priority p) {
        return (int) Math.ceil(limit.limit() * settings.shares().getOrDefault(p, 0.0));
    }

    private int tenantCap() {
        return Math.max(1, (int) Math.ceil(limit.limit() * settings.tenantMaxShare()));
    }

    private Rejected reject(Request r, Rejected.Reason reason, String detail, Duration retryAfter, Quota quota) {
        events.rejected(r.priority(), r.tenant(), reason);
        return new Rejected(reason, detail, retryAfter, quota);
    }
}
