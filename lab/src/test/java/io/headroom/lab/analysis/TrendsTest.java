package io.headroom.lab.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.headroom.lab.load.Generator;
import io.headroom.lab.load.Outcome;
import io.headroom.lab.load.Recorder;
import io.headroom.lab.scenario.Scenario;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The knee and drift detectors on synthetic series with a known answer. */
class TrendsTest {

    @Test
    void theKneeOfALatencyCurveIsWhereItTurnsUp() {
        // Flat at 10 ms up to 100/s, then rising steeply: an M/M/1-like curve with capacity 120/s.
        double[] rate = {20, 40, 60, 80, 100, 110, 115, 118};
        double[] latency = new double[rate.length];
        for (int i = 0; i < rate.length; i++) {
            latency[i] = 1000.0 / (120 - rate[i]);
        }
        int knee = Kneedle.knee(rate, latency);
        assertThat(rate[knee]).isBetween(100.0, 115.0);
        assertThat(Kneedle.knee(new double[] {1, 2, 3}, new double[] {5, 5, 5})).as("no bend in a flat line").isEqualTo(-1);
    }

    @Test
    void theilSenFindsASlopeThroughNoiseAndOutliers() {
        Random r = new Random(3);
        int n = 120;
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
            y[i] = 50 + 0.5 * i + r.nextGaussian() * 3 + (i % 17 == 0 ? 400 : 0); // GC-pause-like outliers
        }
        TheilSen t = TheilSen.fit(x, y, 0.95);
        assertThat(t.slope()).isCloseTo(0.5, within(0.05));
        assertThat(t.low()).isLessThan(0.5);
        assertThat(t.high()).isGreaterThan(0.5);
        assertThat(t.significant()).isTrue();
    }

    @Test
    void aFlatNoisySeriesHasNoSignificantTrend() {
        Random r = new Random(4);
        double[] x = new double[100];
        double[] y = new double[100];
        for (int i = 0; i < 100; i++) {
            x[i] = i;
            y[i] = 20 + r.nextGaussian();
        }
        TheilSen t = TheilSen.fit(x, y, 0.95);
        assertThat(t.low()).isLessThanOrEqualTo(0);
        assertThat(t.high()).isGreaterThanOrEqualTo(0);
        assertThat(t.significant()).isFalse();
    }

    @Test
    void deadTuplesThatOnlyFollowTheLoadHaveNoTrendPerUnitOfLoad() {
        // Load doubles every 4 minutes for 20 minutes. One table's dead tuples follow the write rate (vacuumed each
        // minute: a sawtooth up to rate x 60 s); the other's also keep a share of every write ever made (never vacuumed).
        Scenario scenario = Scenario.parse("drift", "operations: [{name: get, weight: 1, path: /}]\n"
                + "limits: {maxSeconds: 1200}\n"
                + "phases: [{name: grow, type: growth, rate: 10, growthPercent: 100, periodSeconds: 240, seconds: 1200}]");
        Recorder recorder = new Recorder();
        Map<Integer, Map<String, Double>> scraped = new HashMap<>();
        for (int t = 0; t < 1200; t++) {
            recorder.record(t, "get", Outcome.OK, 1_000_000, true, false);
            double rate = 10 * Math.pow(2, t / 240);
            double followsLoad = rate * (t % 60);
            scraped.put(t, Map.of("dead_tuples", followsLoad, "job_dead_tuples", followsLoad + rate * t / 6));
        }
        Results r = new Analysis(scenario, recorder, 1200).analyse("test", "now", new Generator.Summary(1200, 1200, 0, 0, false, Double.NaN),
                scraped, 0, null, List.of(), new Results.Machine(2, 1024, "25", "linux"));

        Map<String, Results.Drift> drift = new HashMap<>();
        r.drift().forEach(d -> drift.put(d.signal(), d));
        assertThat(drift.get("dead_tuples").significant()).as("the raw count grows with the load").isTrue();
        assertThat(drift.get("dead_tuples_per_load").significant()).as(drift.get("dead_tuples_per_load").finding()).isFalse();
        assertThat(drift.get("job_dead_tuples_per_load").significant()).as(drift.get("job_dead_tuples_per_load").finding()).isTrue();
        assertThat(drift.get("job_dead_tuples_per_load").slopePerMinute()).isPositive();
    }

    @Test
    void aSawtoothIsTrendedByOnePointAMinute() {
        List<Double> seconds = new java.util.ArrayList<>();
        for (int t = 0; t < 150; t++) {
            seconds.add(t == 70 ? null : (double) (t % 60));
        }
        List<Double> peaks = Analysis.perMinute(seconds, true);
        List<Double> troughs = Analysis.perMinute(seconds, false);
        assertThat(peaks).hasSize(150);
        assertThat(peaks.get(59)).isEqualTo(59.0);
        assertThat(peaks.get(119)).isEqualTo(59.0);
        assertThat(peaks.get(149)).as("the last, partial minute").isEqualTo(29.0);
        assertThat(peaks.stream().filter(java.util.Objects::nonNull).count()).isEqualTo(3);
        assertThat(troughs.get(0)).isEqualTo(0.0);
        assertThat(troughs.get(60)).isEqualTo(0.0);
        assertThat(troughs.stream().filter(java.util.Objects::nonNull).count()).isEqualTo(3);
    }
}
