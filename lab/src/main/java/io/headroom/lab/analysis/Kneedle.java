package io.headroom.lab.analysis;

/**
 * The knee of an increasing, convex curve such as latency against offered load (Satopää et al., "Finding a
 * 'Kneedle' in a Haystack", 2011): both axes scaled to [0, 1], the knee is the point furthest below the
 * diagonal. Written by hand: no maintained Java library offers it, and it is a dozen lines.
 */
public final class Kneedle {

    private Kneedle() {
    }

    /** The index of the knee of points sorted by x, or -1 when there are fewer than 3 or no bend. */
    public static int knee(double[] x, double[] y) {
        if (x.length < 3 || x.length != y.length) {
            return -1;
        }
        double x0 = x[0];
        double x1 = x[x.length - 1];
        double y0 = java.util.Arrays.stream(y).min().orElse(0);
        double y1 = java.util.Arrays.stream(y).max().orElse(0);
        if (x1 <= x0 || y1 <= y0) {
            return -1;
        }
        int best = -1;
        double bestGap = 0;
        for (int i = 0; i < x.length; i++) {
            double gap = (x[i] - x0) / (x1 - x0) - (y[i] - y0) / (y1 - y0);
            if (gap > bestGap) {
                bestGap = gap;
                best = i;
            }
        }
        return best;
    }
}
