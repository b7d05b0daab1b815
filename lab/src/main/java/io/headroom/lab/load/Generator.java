package io.headroom.lab.load;

import io.headroom.lab.scenario.Scenario;
import io.headroom.lab.scenario.Scenario.Operation;
import io.headroom.lab.scenario.Scenario.Phase;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The open-model load generator: requests arrive on a schedule (constant spacing or Poisson) that does not wait
 * for answers, each handed to the asynchronous {@link Transport} shortly before its intended time, which the
 * transport starts it at; latency counts from that intended time, so time spent waiting for a connection counts too.
 * When the generator itself falls behind, requests start late and are counted as late; when it already has
 * {@code limits.maxInFlight} requests open, a request is not sent and counted as dropped — never skipped
 * silently. The run stops by itself at the end of its phases, at {@code limits.maxRequests}, or at
 * {@code limits.maxSeconds}; or earlier, when told to by {@link #stopBy(long)}.
 */
public final class Generator {

    /** A request started this long after its intended start counts as late (the generator fell behind). */
    public static final long LATE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** How far ahead of their start requests are handed to the transport. */
    private static final long LEAD_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    /** How often a stream whose rate is 0 looks again. */
    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    /** Builds the requests of a scenario's operations, and grows the target's data in growth phases. */
    public interface Workload {
        /**
         * The request for one arrival of {@code op}; {@code tenant} is a fixed tenant index or null to pick one of
         * the first {@code activeTenants}. The request's timeout must be the operation's deadline.
         */
        LabRequest request(Operation op, Integer tenant, long n, int activeTenants);

        /** A growth phase entered its period {@code period}: the data should now be {@code factor} times its start. */
        default void grown(Phase phase, int period, double factor) {
        }
    }

    /** Told every second how the run goes, and when phases start. */
    public interface Progress {
        void second(double elapsed, Phase phase, int window, int inFlight);

        default void phaseStarted(int index, Phase phase, double capacity) {
        }
    }

    /** What the run did, beyond what the recorder holds. */
    public record Summary(double seconds, long intended, long dropped, long late, boolean stoppedAtRequestLimit, double capacity) {
    }

    private final Scenario scenario;
    private final Workload workload;
    private final Transport transport;
    private final Recorder recorder;
    private final Random random;
    private final Progress progress;
    private final RateSchedule schedule;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong intended = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong late = new AtomicLong();
    private volatile double capacity = Double.NaN;
    /** No request intended at or after this instant ({@link System#nanoTime()}) is sent: see {@link #stopBy(long)}. */
    private volatile long stopAt = Long.MAX_VALUE;
    private final double totalWeight;

    /** {@code transport} carries at most {@code limits.maxConnections} requests on the wire; the rest wait their turn. */
    public Generator(Scenario scenario, Workload workload, Transport transport, Recorder recorder, long seed, Progress progress) {
        this.scenario = scenario;
        this.workload = workload;
        this.transport = transport;
        this.recorder = recorder;
        this.random = new Random(seed);
        this.progress = progress;
        this.schedule = new RateSchedule(scenario.phases());
        this.totalWeight = scenario.operations().stream().mapToDouble(Operation::weight).sum();
    }

    /** A source of arrivals: the phase's weighted mix, or one extra stream. */
    private final class Stream {
        final Scenario.Stream extra;
        long next;

        Stream(Scenario.Stream extra, long next) {
            this.extra = extra;
            this.next = next;
        }

        double rate(double t) {
            if (extra == null) {
                return schedule.rate(t, capacity);
            }
            return extra.rate() != null ? extra.rate() : extra.capacityFactor() * capacity;
        }

        Operation operation() {
            if (extra != null) {
                return scenario.operation(extra.operation());
            }
            double pick = random.nextDouble() * totalWeight;
            for (Operation o : scenario.operations()) {
                pick -= o.weight();
                if (pick < 0) {
                    return o;
                }
            }
            return scenario.operations().getLast();
        }
    }

    public Summary run() {
        long start = System.nanoTime();
        long hardStop = start + (long) (scenario.limits().maxSeconds() * 1e9);
        Thread ticker = Thread.ofVirtual().name("lab-progress").start(() -> tick(start));
        boolean stoppedAtLimit = false;
        boolean stoppedEarly = false;
        try {
            phases:
            for (int i = 0; i < schedule.phases().size(); i++) {
                Phase phase = schedule.phases().get(i);
                if (i > 0 && schedule.phases().get(i - 1).type().equals("steps")) {
                    capacity = measuredCapacity(i - 1);
                }
                progress.phaseStarted(i, phase, capacity);
                long phaseStart = start + (long) (schedule.start(i) * 1e9);
                long phaseEnd = start + (long) (schedule.end(i) * 1e9);
                List<Stream> streams = new ArrayList<>();
                streams.add(new Stream(null, phaseStart));
                phase.extra().forEach(x -> streams.add(new Stream(x, phaseStart)));
                int period = -1;
                while (true) {
                    Stream s = streams.getFirst();
                    for (Stream other : streams) {
                        s = other.next < s.next ? other : s;
                    }
                    if (s.next >= phaseEnd) {
                        break;
                    }
                    if (s.next >= hardStop) {
                        break phases;
                    }
                    if (stopped(s.next)) {
                        stoppedEarly = true;
                        break phases;
                    }
                    double t = (s.next - start) / 1e9;
                    if (phase.type().equals("growth")) {
                        int p = RateSchedule.period(phase, t - schedule.start(i));
                        if (p != period) {
                            period = p;
                            workload.grown(phase, p, RateSchedule.growthFactor(phase, t - schedule.start(i)));
                        }
                    }
                    double rate = s.rate(t);
                    if (rate <= 0) {
                        s.next += IDLE_NANOS;
                        continue;
                    }
                    if (intended.get() >= scenario.limits().maxRequests()) {
                        stoppedAtLimit = true;
                        break phases;
                    }
                    // Requests go to the transport up to LEAD ahead of their start, which the transport keeps to:
                    // this thread wakes once per half LEAD, not once per request.
                    if (s.next - System.nanoTime() > LEAD_NANOS) {
                        waitUntil(s.next - LEAD_NANOS / 2);
                    }
                    send(s, s.next, start, activeTenants(phase, t - schedule.start(i)));
                    double gap = phase.poisson() ? -Math.log(1 - random.nextDouble()) / rate : 1 / rate;
                    s.next += (long) (gap * 1e9);
                }
            }
        } finally {
            drain();
            ticker.interrupt();
        }
        // Told to stop early, the run lasted until then: the seconds spent draining are not a window of load.
        double seconds = (stoppedEarly ? stopAt - start : System.nanoTime() - start) / 1e9;
        return new Summary(seconds, intended.get(), dropped.get(), late.get(), stoppedAtLimit, capacity);
    }

    /**
     * Ends the run at {@code nanoTime} ({@link System#nanoTime()}) if its phases last longer: requests intended from
     * then on are not sent (nor counted as intended), and the run drains what is in flight as at its normal end. Safe
     * to call from any thread; a later call can only bring the end forward.
     */
    public synchronized void stopBy(long nanoTime) {
        if (stopAt == Long.MAX_VALUE || nanoTime - stopAt < 0) {
            stopAt = nanoTime;
        }
    }

    private boolean stopped(long intendedAt) {
        long stop = stopAt;
        return stop != Long.MAX_VALUE && intendedAt - stop >= 0;
    }

    private void send(Stream s, long intendedAt, long runStart, int activeTenants) {
        Operation op = s.operation();
        String label = s.extra == null ? op.name() : s.extra.label();
        int window = (int) ((intendedAt - runStart) / 1_000_000_000L);
        long n = intended.incrementAndGet();
        recorder.due(window, label);
        if (inFlight.get() >= scenario.limits().maxInFlight()) {
            dropped.incrementAndGet();
            recorder.record(window, label, Outcome.DROPPED, 0, false, false);
            return;
        }
        LabRequest request = workload.request(op, s.extra == null ? null : s.extra.tenant(), n, activeTenants);
        long deadline = TimeUnit.MILLISECONDS.toNanos(op.timeoutMs());
        inFlight.incrementAndGet();
        transport.send(request, intendedAt, (outcome, startedAt) -> {
            inFlight.decrementAndGet();
            long latency = System.nanoTime() - intendedAt;
            boolean isLate = startedAt - intendedAt > LATE_NANOS;
            if (isLate) {
                late.incrementAndGet();
            }
            recorder.record(window, label, outcome, latency, latency <= deadline, isLate);
        });
    }

    /** Tenants taking part: all, except in a growth phase, which starts with fewer and reaches all in its last period. */
    int activeTenants(Phase phase, double in) {
        int all = scenario.tenants().count();
        if (!phase.type().equals("growth")) {
            return all;
        }
        int periods = (int) Math.ceil(phase.seconds() / phase.periodSeconds());
        double lastFactor = Math.pow(1 + phase.growthPercent() / 100, periods - 1);
        return (int) Math.min(all, Math.max(1, Math.ceil(all / lastFactor * RateSchedule.growthFactor(phase, in))));
    }

    /** The capacity a steps phase measured: the highest goodput per second of the main mix over a step. */
    private double measuredCapacity(int stepsPhase) {
        Phase p = schedule.phases().get(stepsPhase);
        double best = 0;
        for (int k = 0; k < p.steps().size(); k++) {
            int[] windows = schedule.stepWindows(stepsPhase, k);
            int from = windows[0];
            int to = windows[1];
            long good = 0;
            for (int w = from; w <= to; w++) {
                for (Operation o : scenario.operations()) {
                    Recorder.Cell c = recorder.window(w).get(o.name());
                    good += c == null ? 0 : c.goodput();
                }
            }
            best = Math.max(best, good / (double) Math.max(1, to - from + 1));
        }
        return best;
    }

    private static void waitUntil(long nanos) {
        long left;
        while ((left = nanos - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }

    private void drain() {
        long longest = scenario.operations().stream().mapToLong(Operation::timeoutMs).max().orElse(0);
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(longest + 2000);
        while (inFlight.get() > 0 && System.nanoTime() < until) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    private void tick(long start) {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(1000);
                double t = (System.nanoTime() - start) / 1e9;
                int i = schedule.phaseAt(t);
                progress.second(t, i < 0 ? null : schedule.phases().get(i), (int) t - 1, inFlight.get());
            }
        } catch (InterruptedException stopped) {
            Thread.currentThread().interrupt();
        }
    }
}
