package io.headroom.lab.load;

import io.headroom.lab.scenario.Scenario.Phase;
import java.util.List;

/**
 * The offered rate over time: which phase runs at a given second of the run and at what rate its main mix
 * arrives. Pure; {@code capacity} is what the last steps phase measured (for {@code capacityFactor} phases).
 */
public final class RateSchedule {

    private final List<Phase> phases;
    private final double[] starts;

    public RateSchedule(List<Phase> phases) {
        this.phases = List.copyOf(phases);
        this.starts = new double[phases.size() + 1];
        for (int i = 0; i < phases.size(); i++) {
            starts[i + 1] = starts[i] + phases.get(i).seconds();
        }
    }

    public List<Phase> phases() {
        return phases;
    }

    public double start(int phase) {
        return starts[phase];
    }

    public double end(int phase) {
        return starts[phase + 1];
    }

    public double totalSeconds() {
        return starts[phases.size()];
    }

    /** The phase running at second {@code t} of the run, or -1 after the last one. */
    public int phaseAt(double t) {
        for (int i = 0; i < phases.size(); i++) {
            if (t < starts[i + 1]) {
                return i;
            }
        }
        return -1;
    }

    /** The main mix's rate (requests/s) at second {@code t} of the run. */
    public double rate(double t, double capacity) {
        int i = phaseAt(t);
        if (i < 0) {
            return 0;
        }
        Phase p = phases.get(i);
        double in = t - starts[i];
        double base = p.rate() != null ? p.rate() : p.capacityFactor() != null ? p.capacityFactor() * capacity : 0;
        return switch (p.type()) {
            case "steady", "soak" -> base;
            case "steps" -> p.steps().get(Math.min(p.steps().size() - 1, step(p, in)));
            case "ramp" -> p.from() + (p.to() - p.from()) * in / p.seconds();
            case "spike" -> in >= p.spikeAt() && in < p.spikeAt() + p.spikeSeconds() ? p.spikeRate() : base;
            case "growth" -> base * growthFactor(p, in);
            default -> throw new IllegalStateException("unknown phase type " + p.type());
        };
    }

    /**
     * The whole 1-second windows of step {@code k} of the steps phase {@code phase}, as {@code {from, to}}
     * (inclusive), leaving out the step's first and last window when it has 5 or more: warm-up after the rate
     * changed, and answers still in flight when the step ended. Used for the capacity the run measures and for the
     * capacity model alike.
     */
    public int[] stepWindows(int phase, int k) {
        Phase p = phases.get(phase);
        int from = (int) Math.ceil(starts[phase] + k * p.stepSeconds());
        int to = (int) Math.floor(starts[phase] + (k + 1) * p.stepSeconds()) - 1;
        if (to - from >= 3) {
            from++;
            to--;
        }
        return new int[] {from, to};
    }

    /** Which step of a steps phase runs {@code in} seconds into it. */
    public static int step(Phase p, double in) {
        return (int) Math.floor(in / p.stepSeconds());
    }

    /** Which growth period runs {@code in} seconds into a growth phase (0 for other phases). */
    public static int period(Phase p, double in) {
        return p.periodSeconds() == null ? 0 : (int) Math.floor(in / p.periodSeconds());
    }

    /** How much a growth phase has grown {@code in} seconds into it: (1 + g)^period. */
    public static double growthFactor(Phase p, double in) {
        return p.growthPercent() == null ? 1 : Math.pow(1 + p.growthPercent() / 100, period(p, in));
    }
}
