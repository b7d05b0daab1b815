package io.headroom.lab.analysis;

import java.util.List;
import java.util.Map;

/**
 * Everything a run found, as written to {@code results.json} and drawn in {@code report.html}. Times are seconds
 * since the run's start, rates per second, latencies in milliseconds (from each request's intended start). A
 * {@code null} is a figure that could not be had (no traffic in a window, a signal the target does not expose).
 */
public record Results(String scenario, String label, String target, Machine machine, String startedAt, double seconds, Run run,
                      List<PhaseSummary> phases, List<WindowRow> windows, Map<String, List<Double>> signals, List<FaultResult> faults,
                      Capacity capacity, BreaksFirst breaksFirst, List<Drift> drift, List<Verdict> verdicts, boolean passed) {

    public record Machine(int cores, long memoryMiB, String jdk, String os) {

        /** The machine this JVM runs on. */
        public static Machine current() {
            long memory = 0;
            if (java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
                memory = os.getTotalMemorySize() / (1024 * 1024);
            }
            return new Machine(Runtime.getRuntime().availableProcessors(), memory, Runtime.version().toString(),
                    System.getProperty("os.name") + " " + System.getProperty("os.version"));
        }
    }

    public record Run(long intended, long dropped, long late, boolean stoppedAtRequestLimit, Double measuredCapacity,
                      int scrapeFailures, String scrapeError) {
    }

    /** The main mix (the scenario's operations) in one second; {@code labels} per operation and extra stream. */
    public record WindowRow(int t, String phase, long offered, long ok, long goodput, long shed, long errors, long timeouts, long dropped,
                            long late, Double p50, Double p90, Double p99, Double p999, Double max, Map<String, LabelRow> labels) {
    }

    /** {@code ok}: answered 2xx, in time or not (an order acknowledged late is still acknowledged); {@code goodput}: 2xx in time. */
    public record LabelRow(long offered, long ok, long goodput, long shed, long errors, Double p99) {
    }

    /**
     * {@code offeredPerSecond}: requests due (the schedule's rate); {@code achievedPerSecond}: of those, sent (not dropped);
     * {@code p50}, {@code p99}: the main mix; {@code p99ByLabel}: each operation and extra stream on its own.
     */
    public record PhaseSummary(String name, String type, double start, double end, double offeredPerSecond, double achievedPerSecond,
                               double goodputPerSecond,
                               double shedPerSecond, double errorsPerSecond, Double p50, Double p99, long dropped, long late,
                               Map<String, Double> p99ByLabel) {
    }

    public record FaultResult(String name, String provider, double setAt, double clearedAt, Double baselineGoodput,
                              Double recoverySeconds, String error) {
    }

    /** A step of a steps phase: offered rate, throughput (2xx/s), latency, and concurrency by Little's law. */
    public record StepPoint(String phase, int step, double offered, double throughput, double meanLatencyMs, double p99Ms,
                            double concurrency) {
    }

    public record Prediction(double todayPerSecond, double offeredPerSecond, Double throughput, Double meanLatencyMs, boolean saturated,
                             boolean extrapolation, String text) {
    }

    public record Knee(double offeredPerSecond, double throughput, double p99Ms) {
    }

    public record Capacity(List<StepPoint> points, Double lambda, Double sigma, Double kappa, Double rSquared, Double peakConcurrency,
                           Double maxThroughput, Prediction at10x, Knee knee, String note) {
    }

    /** The server signal that crossed its saturation threshold first (for 3 s in a row), and when. */
    public record BreaksFirst(String signal, int atSecond, String phase, double offeredPerSecond, double value, double threshold) {
    }

    /** A trend over a soak or growth phase: Theil–Sen slope per minute with its 95% interval. */
    public record Drift(String phase, String signal, double slopePerMinute, double low, double high, double median, boolean significant,
                        Double percentPerDoubling, String finding) {
    }

    public record Verdict(String slo, String check, boolean passed, Double measured, double threshold, String detail) {
    }
}
