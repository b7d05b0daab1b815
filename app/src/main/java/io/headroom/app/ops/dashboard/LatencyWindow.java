package io.headroom.app.ops.dashboard;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.springframework.stereotype.Component;

/**
 * The latency of API requests since the dashboard's last sample, as an HdrHistogram interval histogram: exact
 * percentiles per interval, where the Prometheus buckets (set at the SLO thresholds) would only bound them.
 * Thread-safe: requests record concurrently, the sampler swaps the interval without blocking them.
 */
@Component
public class LatencyWindow {

    // Microseconds, three significant digits, auto-resizing: a stuck request of minutes still records.
    private final Recorder recorder = new Recorder(3);

    /** Records one finished API request. */
    public void record(long nanos) {
        recorder.recordValue(Math.max(0, TimeUnit.NANOSECONDS.toMicros(nanos)));
    }

    /** The requests recorded since the previous call, and starts a new interval. */
    Histogram takeInterval() {
        return recorder.getIntervalHistogram();
    }
}
