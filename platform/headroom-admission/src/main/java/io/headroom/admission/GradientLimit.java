package io.headroom.admission;

/**
 * A concurrency limit that follows measured latency, in the manner of Netflix concurrency-limits' Gradient2:
 * {@code gradient = clamp(tolerance * baseline / recent, 0.5, 1)}; the limit shrinks by the gradient when recent
 * latency is above tolerance, and grows by {@code sqrt(limit)} when latency is fine and the limit is actually
 * used. Two guards against the known faults of the originals:
 * <ul>
 *   <li><b>No drift up under mild overload</b> (Gradient2 adds its queue allowance on every sample, so a limit
 *       slightly too high keeps growing while latency is slightly above its long average): here the limit only
 *       grows when recent latency is within tolerance of the baseline and at least half the limit was in use.</li>
 *   <li><b>No creeping baseline</b> (Vegas' no-load RTT drifts up when latency stays high): the baseline is the
 *       minimum latency over the last {@code windows} windows of {@code windowSize} samples, counting for a rise
 *       only samples taken at low load (at most half the limit in flight), and it may rise by at most 5% per
 *       window. Sustained saturation therefore cannot teach the limiter that slow is normal; a real, lasting change
 *       in the service's speed shows at low load and is adopted, gradually.</li>
 * </ul>
 * Fed samples, it reads no clock: deterministic in tests. Thread-safe.
 */
public final class GradientLimit {

    private final int min;
    private final int max;
    private final double tolerance;
    private final double smoothing;
    private final int windowSize;
    private final long[] windowMins;
    private double limit;
    private double recentNanos = -1;
    private long baselineNanos = -1;
    private long currentWindowMin = Long.MAX_VALUE;
    private int samplesInWindow;
    private int window;

    public GradientLimit(int initial, int min, int max, double tolerance, double smoothing, int windowSize, int windows) {
        if (min < 1 || max < min || initial < min || initial > max) {
            throw new IllegalArgumentException("need 1 <= min <= initial <= max, got " + min + ", " + initial + ", " + max);
        }
        this.limit = initial;
        this.min = min;
        this.max = max;
        this.tolerance = tolerance;
        this.smoothing = smoothing;
        this.windowSize = windowSize;
        this.windowMins = new long[windows];
        java.util.Arrays.fill(windowMins, Long.MAX_VALUE);
    }

    /** Initial 20, between 4 and 1000, tolerance 1.5, smoothing 0.2, baseline over 10 windows of 100 samples. */
    public static GradientLimit standard() {
        return new GradientLimit(20, 4, 1000, 1.5, 0.2, 100, 10);
    }

    public synchronized int limit() {
        return (int) limit;
    }

    /** The latency the limiter considers normal, or -1 before the first sample. */
    public synchronized long baselineNanos() {
        return baselineNanos;
    }

    /**
     * One request finished.
     *
     * @param rttNanos how long it held its permit
     * @param inflight requests in flight when it started
     * @param dropped  whether it failed for lack of capacity (a timeout): a signal to back off
     */
    public synchronized void onSample(long rttNanos, int inflight, boolean dropped) {
        if (rttNanos <= 0) {
            return;
        }
        recentNanos = recentNanos < 0 ? rttNanos : recentNanos + (rttNanos - recentNanos) * (2.0 / 11);
        updateBaseline(rttNanos, inflight <= limit / 2);
        double next;
        if (dropped) {
            next = limit * 0.9;
        } else {
            double gradient = Math.max(0.5, Math.min(1.0, tolerance * baselineNanos / recentNanos));
            if (gradient < 1.0) {
                next = limit * gradient;
            } else if (inflight >= limit / 2) {
                next = limit + Math.sqrt(limit);
            } else {
                next = limit;
            }
        }
        limit = Math.max(min, Math.min(max, limit * (1 - smoothing) + next * smoothing));
    }

    private void updateBaseline(long rttNanos, boolean unloaded) {
        if (unloaded) {
            currentWindowMin = Math.min(currentWindowMin, rttNanos);
        }
        if (baselineNanos < 0) {
            baselineNanos = rttNanos;
        }
        baselineNanos = Math.min(baselineNanos, rttNanos);
        if (++samplesInWindow < windowSize) {
            return;
        }
        windowMins[window] = currentWindowMin;
        window = (window + 1) % windowMins.length;
        samplesInWindow = 0;
        currentWindowMin = Long.MAX_VALUE;
        long windowed = Long.MAX_VALUE;
        for (long m : windowMins) {
            windowed = Math.min(windowed, m);
        }
        if (windowed == Long.MAX_VALUE) {
            return; // no sample at low load in any window: keep what we know
        }
        // The windowed minimum may rise (old fast samples age out), but by at most 5% per window.
        baselineNanos = Math.min(windowed, (long) (baselineNanos * 1.05));
    }
}
