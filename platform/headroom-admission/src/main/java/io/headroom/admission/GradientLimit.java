package io.headroom.admission;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A concurrency limit that follows measured latency, in the manner of Netflix concurrency-limits' Gradient2:
 * {@code gradient = clamp(tolerance * baseline / recent, 0.5, 1)}; the limit shrinks by the gradient when recent
 * latency is above tolerance, and grows by {@code sqrt(limit)} when latency is fine and the limit is actually
 * used. Guards against the known faults of the originals, and against what this project measured:
 * <ul>
 *   <li><b>No drift up under mild overload</b> (Gradient2 adds its queue allowance on every sample, so a limit
 *       slightly too high keeps growing while latency is slightly above its long average): here the limit only
 *       grows when recent latency is within tolerance of the baseline.</li>
 *   <li><b>Only a used limit moves</b> (as Gradient2's "app limited" rule): with less than half the limit in
 *       flight the limit is not what holds requests back, and latency then says nothing about it. Shrinking on
 *       such samples ratcheted the limit down to its floor: a noisy ratio crossed the tolerance now and then at
 *       any load, while growth needed the limit in use.</li>
 *   <li><b>No creeping baseline</b> (Vegas' no-load RTT drifts up when latency stays high): the baseline is the
 *       lowest of the last {@code windows} windows' medians of {@code windowSize} samples, each median taken over
 *       the samples at low load (at most half the limit in flight), and it may rise by at most 5% per window.
 *       Sustained saturation therefore cannot teach the limiter that slow is normal; a real, lasting change in the
 *       service's speed shows at low load and is adopted, gradually.</li>
 *   <li><b>Per kind of request</b> (the app passes route and status class): each sample is divided by the baseline
 *       of its own kind. With one baseline for all, a 1 ms read's no-load latency was the yardstick of a 20 ms
 *       checkout and a healthy mix looked like queueing.</li>
 *   <li><b>Typical, not best, latency</b>: the baseline is a median, and recent latency the geometric mean of
 *       about the last ten ratios. Vegas and Gradient2 compare with the minimum; on two shared cores a route's
 *       typical latency at no load was 2-3x its minimum (measured in the noisy-neighbour proof: ratio 2-3 with
 *       nothing else in flight), so a tolerance of 1.5 over the minimum held the limit at its floor (4) with the
 *       CPU at 65%, and bursts were shed. A geometric mean keeps one 30 ms pause from counting as ten slow requests.</li>
 *   <li><b>One cut per round trip</b> (as TCP lowers its window once per window of data, not once per lost
 *       segment: RFC 6582): a request that started before the limit was last lowered cannot lower it again. Its
 *       latency shows the state the cut already answered. Cutting on every slow sample compounded: one 300 ms stall
 *       of a shared machine finished 30-odd requests slow at once, and 0.9^30 took the limit from 35 to its floor
 *       of 4, where it stayed (the noisy-neighbour proof then shed the six well-behaved tenants' bursts at 150/s
 *       with the CPU at 60%). Under lasting overload the cuts go on, one per round trip.</li>
 *   <li><b>No ratchet</b>: cuts come from stalls, when many requests are in flight; growth needs the limit in use
 *       with healthy latency, which a moderate load never shows. Each stall therefore took a little that nothing gave
 *       back, and over 20 s at 150/s the limit sank from 20 to its floor. So while the limit is little used and
 *       latency is within tolerance, a limit below its initial value creeps back to it, by 0.2 (the smoothing) a
 *       sample. Growth past the initial value still needs the limit in use.</li>
 * </ul>
 *
 * <p>Fed samples, it reads no clock: deterministic in tests. Thread-safe.
 */
public final class GradientLimit {

    /** The kind samples without one are counted under. */
    public static final String ANY = "";
    /** Kinds are routes: a bounded set. Past this many, new kinds share one baseline. */
    static final int MAX_KINDS = 256;
    static final String OTHER = "other";

    /**
     * One kind's typical latency at low load: the lowest of its last windows' medians. During its first window it
     * is provisional (the minimum so far) and its samples do not move the limit.
     */
    private final class Baseline {
        final long[] windowMedians = new long[windows];
        final long[] unloaded = new long[windowSize];
        long nanos = -1;
        boolean provisional = true;
        int count;
        int samplesInWindow;
        int window;

        Baseline() {
            Arrays.fill(windowMedians, Long.MAX_VALUE);
        }

        void update(long rttNanos, boolean atLowLoad) {
            if (atLowLoad) {
                unloaded[count++] = rttNanos;
            }
            if (provisional) {
                nanos = nanos < 0 ? rttNanos : Math.min(nanos, rttNanos);
            }
            if (++samplesInWindow < windowSize) {
                return;
            }
            long median = count >= Math.max(1, windowSize / 10) ? median(unloaded, count) : Long.MAX_VALUE;
            windowMedians[window] = median;
            window = (window + 1) % windowMedians.length;
            samplesInWindow = 0;
            count = 0;
            if (provisional) {
                // The first window's median at low load replaces the minimum at once; without one, the minimum stays.
                if (median != Long.MAX_VALUE) {
                    nanos = median;
                }
                provisional = false;
                return;
            }
            long windowed = Long.MAX_VALUE;
            for (long m : windowMedians) {
                windowed = Math.min(windowed, m);
            }
            if (windowed == Long.MAX_VALUE) {
                return; // too few samples at low load in every window: keep what we know
            }
            // The windowed median may rise (old fast windows age out), but by at most 5% per window.
            nanos = Math.min(windowed, (long) (nanos * 1.05));
        }
    }

    private static long median(long[] values, int count) {
        long[] sorted = Arrays.copyOf(values, count);
        Arrays.sort(sorted);
        return sorted[count / 2];
    }

    private final int initial;
    private final int min;
    private final int max;
    private final double tolerance;
    private final double smoothing;
    private final int windowSize;
    private final int windows;
    private final Map<String, Baseline> baselines = new HashMap<>();
    private double limit;
    /** How many times the limit was lowered; a request's permit notes it at start, see {@link #cuts()}. */
    private long cuts;
    /** Recent latency as a multiple of its kind's baseline, in logs: an exponential average over about ten samples. */
    private double recentLogRatio = Double.NaN;

    public GradientLimit(int initial, int min, int max, double tolerance, double smoothing, int windowSize, int windows) {
        if (min < 1 || max < min || initial < min || initial > max) {
            throw new IllegalArgumentException("need 1 <= min <= initial <= max, got " + min + ", " + initial + ", " + max);
        }
        this.limit = initial;
        this.initial = initial;
        this.min = min;
        this.max = max;
        this.tolerance = tolerance;
        this.smoothing = smoothing;
        this.windowSize = windowSize;
        this.windows = windows;
    }

    /** Initial 20, between 4 and 1000, tolerance 1.5, smoothing 0.2, baseline over 10 windows of 100 samples. */
    public static GradientLimit standard() {
        return new GradientLimit(20, 4, 1000, 1.5, 0.2, 100, 10);
    }

    public synchronized int limit() {
        return (int) limit;
    }

    /**
     * How many times the limit has been lowered so far. A caller notes it when a request starts and hands it back with
     * the request's sample: a request that started before the latest cut does not cut again.
     */
    public synchronized long cuts() {
        return cuts;
    }

    /** The latency the limiter considers normal for samples without a kind, or -1 before the first. */
    public synchronized long baselineNanos() {
        return baselineNanos(ANY);
    }

    /** The latency the limiter considers normal for this kind, or -1 before its first sample. */
    public synchronized long baselineNanos(String kind) {
        Baseline b = baselines.get(kind);
        return b == null ? -1 : b.nanos;
    }

    /** One request finished; the same as {@link #onSample(String, long, int, boolean)} with {@link #ANY} as its kind. */
    public void onSample(long rttNanos, int inflight, boolean dropped) {
        onSample(ANY, rttNanos, inflight, dropped);
    }

    /**
     * One request finished, started after every cut so far: the same as
     * {@link #onSample(String, long, int, boolean, long)} with {@link #cuts()} as {@code cutsAtStart}.
     */
    public synchronized void onSample(String kind, long rttNanos, int inflight, boolean dropped) {
        onSample(kind, rttNanos, inflight, dropped, cuts);
    }

    /**
     * One request finished.
     *
     * @param kind        what sort of request it was (its route and status class): its latency is compared with its
     *                    own kind's baseline
     * @param rttNanos    how long it held its permit
     * @param inflight    requests in flight when it started
     * @param dropped     whether it failed for lack of capacity (a timeout): a signal to back off
     * @param cutsAtStart {@link #cuts()} when it started: if the limit was lowered since, this sample lowers it no
     *                    further (its latency and baseline still count)
     */
    public synchronized void onSample(String kind, long rttNanos, int inflight, boolean dropped, long cutsAtStart) {
        if (rttNanos <= 0) {
            return;
        }
        Baseline baseline = baselines.get(kind);
        if (baseline == null) {
            baseline = baselines.computeIfAbsent(baselines.size() < MAX_KINDS ? kind : OTHER, k -> new Baseline());
        }
        boolean measured = !baseline.provisional;
        baseline.update(rttNanos, inflight <= limit / 2);
        double next;
        if (dropped) {
            next = limit * 0.9;
        } else if (!measured) {
            return; // a kind seen fewer than windowSize times has no yardstick yet: it does not move the limit
        } else {
            double logRatio = Math.log((double) rttNanos / baseline.nanos);
            recentLogRatio = Double.isNaN(recentLogRatio) ? logRatio : recentLogRatio + (logRatio - recentLogRatio) * (2.0 / 11);
            double gradient = Math.max(0.5, Math.min(1.0, tolerance / Math.exp(recentLogRatio)));
            if (inflight < limit / 2) {
                // The limit is not what holds requests back: slow or fast, it is not the limit's doing. Healthy, a
                // limit that a past stall cut below its initial value creeps back to it (and no further).
                if (gradient == 1.0 && limit < initial) {
                    limit = Math.min(initial, limit + smoothing);
                }
                return;
            }
            if (gradient < 1.0) {
                next = limit * gradient;
            } else {
                next = limit + Math.sqrt(limit);
            }
        }
        double updated = Math.max(min, Math.min(max, limit * (1 - smoothing) + next * smoothing));
        if (updated < limit) {
            if (cutsAtStart < cuts) {
                return; // the limit was lowered while this request ran: that cut already answered its latency
            }
            cuts++;
        }
        limit = updated;
    }
}
