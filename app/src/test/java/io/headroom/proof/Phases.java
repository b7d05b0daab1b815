package io.headroom.proof;

import io.headroom.lab.analysis.Results;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/** Figures of one phase of a lab run, as the proof verdicts compare them. */
final class Phases {

    private Phases() {
    }

    static Results.PhaseSummary named(Results run, String phase) {
        return run.phases().stream().filter(p -> p.name().equals(phase)).findFirst()
                .orElseThrow(() -> new AssertionError("the run has no phase " + phase + ": " + run.phases()));
    }

    /** The main mix's goodput (2xx within the deadline) over what was offered, in a phase. */
    static double success(Results run, String phase) {
        long offered = run.windows().stream().filter(w -> w.phase().equals(phase)).mapToLong(Results.WindowRow::offered).sum();
        long good = run.windows().stream().filter(w -> w.phase().equals(phase)).mapToLong(Results.WindowRow::goodput).sum();
        return offered == 0 ? 0 : good / (double) offered;
    }

    /** {@code count} of one label (an operation or extra stream) over its offered requests, in a phase. */
    static double labelShare(Results run, String phase, String label, ToLongFunction<Results.LabelRow> count) {
        long offered = 0;
        long counted = 0;
        for (Results.WindowRow w : run.windows()) {
            Results.LabelRow row = w.labels().get(label);
            if (w.phase().equals(phase) && row != null) {
                offered += row.offered();
                counted += count.applyAsLong(row);
            }
        }
        return offered == 0 ? 0 : counted / (double) offered;
    }

    /**
     * Where a phase lost requests of one label ({@code null}: the main mix), second by second: "t=31 s: 4 of 150 (3
     * shed, 1 other)" for each second that did not serve everything it was offered (other: an error, a time-out or a 2xx
     * too late), or "none". A verdict records it so that a failure in CI says whether the losses were spread over the
     * phase or fell in a few seconds.
     */
    static String lossesBySecond(Results run, String phase, String label) {
        List<String> seconds = new ArrayList<>();
        for (Results.WindowRow w : run.windows()) {
            if (!w.phase().equals(phase)) {
                continue;
            }
            Results.LabelRow row = label == null ? new Results.LabelRow(w.offered(), w.ok(), w.goodput(), w.shed(), w.errors(), w.p99())
                    : w.labels().get(label);
            if (row != null && row.goodput() < row.offered()) {
                long lost = row.offered() - row.goodput();
                seconds.add("t=%d s: %d of %d (%d shed, %d other)".formatted(w.t(), lost, row.offered(), row.shed(), lost - row.shed()));
            }
        }
        return seconds.isEmpty() ? "none" : String.join("; ", seconds);
    }
}
