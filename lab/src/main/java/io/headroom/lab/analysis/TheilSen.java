package io.headroom.lab.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * The Theil–Sen trend of a series: the median of all pairwise slopes, robust to outliers (a GC pause, one slow
 * window), with Sen's (1968) confidence interval from the ranks of the sorted slopes (normal approximation of
 * Kendall's S). Written by hand: Commons Math has no Theil–Sen estimator. Immutable.
 */
public record TheilSen(double slope, double intercept, double low, double high, int points) {

    /** Whether the interval excludes zero: a trend, not noise. */
    public boolean significant() {
        return low > 0 || high < 0;
    }

    /** Fits {@code y} against {@code x} with a two-sided {@code confidence} interval (e.g. 0.95). */
    public static TheilSen fit(double[] x, double[] y, double confidence) {
        int n = x.length;
        if (n < 3 || y.length != n) {
            throw new IllegalArgumentException("Theil-Sen needs at least 3 (x, y) points, got " + n);
        }
        List<Double> slopes = new ArrayList<>(n * (n - 1) / 2);
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (x[j] != x[i]) {
                    slopes.add((y[j] - y[i]) / (x[j] - x[i]));
                }
            }
        }
        if (slopes.isEmpty()) {
            throw new IllegalArgumentException("Theil-Sen needs at least two distinct x values");
        }
        double[] s = slopes.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double slope = median(s);
        double[] residual = new double[n];
        for (int i = 0; i < n; i++) {
            residual[i] = y[i] - slope * x[i];
        }
        double intercept = median(residual.clone());
        double z = new NormalDistribution().inverseCumulativeProbability(1 - (1 - confidence) / 2);
        double c = z * Math.sqrt(n * (n - 1.0) * (2 * n + 5) / 18);
        int lower = (int) Math.floor((s.length - c) / 2);
        int upper = (int) Math.ceil((s.length + c) / 2);
        double low = s[Math.max(0, Math.min(s.length - 1, lower))];
        double high = s[Math.max(0, Math.min(s.length - 1, upper))];
        return new TheilSen(slope, intercept, low, high, n);
    }

    private static double median(double[] v) {
        Arrays.sort(v);
        int m = v.length / 2;
        return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
    }
}
