package io.headroom.lab.analysis;

import java.util.List;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresBuilder;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresOptimizer;
import org.apache.commons.math3.fitting.leastsquares.LevenbergMarquardtOptimizer;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.util.Pair;

/**
 * Gunther's Universal Scalability Law, X(N) = λN / (1 + σ(N−1) + κN(N−1)), fitted by nonlinear least squares
 * (Levenberg–Marquardt, Commons Math) to measured (concurrency, throughput) points: σ is contention, κ coherency
 * delay, λ the throughput of one. Immutable.
 */
public record Usl(double lambda, double sigma, double kappa, double rSquared, int points) {

    /** A measurement: concurrency N (e.g. by Little's law, throughput × mean latency) and throughput X. */
    public record Point(double concurrency, double throughput) {
    }

    public double throughput(double n) {
        return lambda * n / (1 + sigma * (n - 1) + kappa * n * (n - 1));
    }

    /** The concurrency of peak throughput, sqrt((1−σ)/κ); infinite when κ = 0 (throughput only levels off). */
    public double peakConcurrency() {
        return kappa <= 0 ? Double.POSITIVE_INFINITY : Math.sqrt(Math.max(0, 1 - sigma) / kappa);
    }

    /** The highest throughput the model allows: X(N*) or, with κ = 0, the asymptote λ/σ. */
    public double maxThroughput() {
        double peak = peakConcurrency();
        if (Double.isInfinite(peak)) {
            return sigma <= 0 ? Double.POSITIVE_INFINITY : lambda / sigma;
        }
        return throughput(peak);
    }

    /**
     * The concurrency at which the model delivers {@code rate} (below the peak), or NaN when the rate is above
     * the ceiling. Mean latency at that rate is then N / rate (Little's law).
     */
    public double concurrencyFor(double rate) {
        if (rate >= maxThroughput()) {
            return Double.NaN;
        }
        double lo = 0;
        double hi = Double.isInfinite(peakConcurrency()) ? 1e9 : peakConcurrency();
        for (int i = 0; i < 200; i++) {
            double mid = (lo + hi) / 2;
            if (throughput(mid) < rate) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return (lo + hi) / 2;
    }

    /** Fits the law to at least three points; σ and κ are kept non-negative. */
    public static Usl fit(List<Point> points) {
        if (points.size() < 3) {
            throw new IllegalArgumentException("the USL needs at least 3 measured points, got " + points.size());
        }
        double[] n = points.stream().mapToDouble(Point::concurrency).toArray();
        double[] x = points.stream().mapToDouble(Point::throughput).toArray();
        int first = 0;
        for (int i = 1; i < n.length; i++) {
            first = n[i] < n[first] ? i : first;
        }
        double lambda0 = x[first] / Math.max(1e-9, n[first]);
        LeastSquaresBuilder problem = new LeastSquaresBuilder()
                .start(new double[] {lambda0, 0.01, 0.0001})
                .target(x)
                .model(p -> model(p, n))
                .parameterValidator(p -> clampNonNegative(p))
                .maxEvaluations(10_000).maxIterations(10_000);
        LeastSquaresOptimizer.Optimum optimum = new LevenbergMarquardtOptimizer().optimize(problem.build());
        double[] p = optimum.getPoint().toArray();
        double mean = java.util.Arrays.stream(x).average().orElse(0);
        double ssTot = 0;
        double ssRes = 0;
        for (int i = 0; i < x.length; i++) {
            double f = p[0] * n[i] / (1 + p[1] * (n[i] - 1) + p[2] * n[i] * (n[i] - 1));
            ssRes += (x[i] - f) * (x[i] - f);
            ssTot += (x[i] - mean) * (x[i] - mean);
        }
        return new Usl(p[0], p[1], p[2], ssTot == 0 ? 1 : 1 - ssRes / ssTot, points.size());
    }

    private static RealVector clampNonNegative(RealVector p) {
        RealVector q = p.copy();
        q.setEntry(0, Math.max(1e-12, q.getEntry(0)));
        q.setEntry(1, Math.max(0, q.getEntry(1)));
        q.setEntry(2, Math.max(0, q.getEntry(2)));
        return q;
    }

    /** Values and Jacobian of X(N) for parameters (λ, σ, κ). */
    private static Pair<RealVector, org.apache.commons.math3.linear.RealMatrix> model(RealVector params, double[] n) {
        double l = params.getEntry(0);
        double s = params.getEntry(1);
        double k = params.getEntry(2);
        double[] value = new double[n.length];
        double[][] jacobian = new double[n.length][3];
        for (int i = 0; i < n.length; i++) {
            double d = 1 + s * (n[i] - 1) + k * n[i] * (n[i] - 1);
            value[i] = l * n[i] / d;
            jacobian[i][0] = n[i] / d;
            jacobian[i][1] = -l * n[i] * (n[i] - 1) / (d * d);
            jacobian[i][2] = -l * n[i] * n[i] * (n[i] - 1) / (d * d);
        }
        return new Pair<>(new ArrayRealVector(value), new Array2DRowRealMatrix(jacobian));
    }
}
