package io.headroom.lab.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The USL fitter recovers known coefficients, exactly from clean data and within tolerance from noisy data. */
class UslTest {

    static final Usl TRUE = new Usl(100, 0.05, 0.002, 1, 0);

    static List<Usl.Point> points(double noise, long seed) {
        Random r = new Random(seed);
        List<Usl.Point> points = new ArrayList<>();
        for (int n = 1; n <= 40; n += 3) {
            points.add(new Usl.Point(n, TRUE.throughput(n) * (1 + noise * r.nextGaussian())));
        }
        return points;
    }

    @Test
    void cleanDataGiveTheCoefficientsBack() {
        Usl fit = Usl.fit(points(0, 1));
        assertThat(fit.lambda()).isCloseTo(100, within(1e-3));
        assertThat(fit.sigma()).isCloseTo(0.05, within(1e-6));
        assertThat(fit.kappa()).isCloseTo(0.002, within(1e-7));
        assertThat(fit.rSquared()).isCloseTo(1, within(1e-9));
        // N* = sqrt((1 - 0.05) / 0.002) = 21.79
        assertThat(fit.peakConcurrency()).isCloseTo(21.79, within(0.01));
        assertThat(fit.maxThroughput()).isCloseTo(TRUE.throughput(Math.sqrt(0.95 / 0.002)), within(0.01));
    }

    /** 3% Gaussian noise on 14 points: λ within 10%, σ within ±0.02, κ within ±15%, the ceiling within 3%. */
    @Test
    void noisyDataGiveThemWithinTolerance() {
        for (long seed = 1; seed <= 5; seed++) {
            Usl fit = Usl.fit(points(0.03, seed));
            assertThat(fit.lambda()).as("seed " + seed).isCloseTo(100, within(10.0));
            assertThat(fit.sigma()).as("seed " + seed).isCloseTo(0.05, within(0.02));
            assertThat(fit.kappa()).as("seed " + seed).isCloseTo(0.002, within(0.0003));
            assertThat(fit.maxThroughput()).as("seed " + seed).isCloseTo(TRUE.maxThroughput(), within(0.03 * TRUE.maxThroughput()));
            assertThat(fit.rSquared()).isGreaterThan(0.9);
        }
    }

    @Test
    void theConcurrencyForARateInvertsTheLawBelowTheCeilingOnly() {
        double n = TRUE.concurrencyFor(500);
        assertThat(TRUE.throughput(n)).isCloseTo(500, within(1e-6));
        assertThat(TRUE.concurrencyFor(TRUE.maxThroughput() * 1.01)).isNaN();
    }

    @Test
    void fewerThanThreePointsAreRefused() {
        assertThatThrownBy(() -> Usl.fit(List.of(new Usl.Point(1, 10), new Usl.Point(2, 19))))
                .hasMessageContaining("at least 3");
    }
}
