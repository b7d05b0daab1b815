package io.headroom.lab.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
}
