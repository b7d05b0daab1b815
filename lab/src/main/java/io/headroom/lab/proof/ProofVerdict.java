package io.headroom.lab.proof;

import io.headroom.lab.analysis.Results;
import java.util.ArrayList;
import java.util.List;

/**
 * One verdict of the proof suite as its test found it ({@code verdict-N.json}): the claim, each check with the figure
 * measured and the target it had to meet, the machine, and the lab runs behind it. {@code docs/results.md} is made
 * from these files by {@code lab results}.
 *
 * @param number   the verdict's number in the suite (issue 8's list), for ordering
 * @param name     a short identifier, also the folder the verdict and its runs are written to
 * @param claim    what the verdict shows when it passes, in one sentence
 * @param runs     the lab runs it used, as paths relative to the verdict's folder (each holds results.json and report.html)
 */
public record ProofVerdict(int number, String name, String title, String claim, boolean passed, String date, Results.Machine machine,
                           String database, List<Check> checks, List<String> runs) {

    /**
     * One measured figure against its target. A check that is not {@code gating} is reported with its figure but does
     * not fail the verdict: a target the system does not meet yet, kept visible in the results until it does.
     */
    public record Check(String what, String measured, String target, boolean passed, boolean gating) {
    }

    /** Checks that missed their target without failing the verdict (not gating). */
    public List<Check> unmet() {
        return checks.stream().filter(c -> !c.passed() && !c.gating()).toList();
    }

    /** Collects checks; each says whether it held, so a test can write every figure before it asserts. */
    public static final class Builder {
        private final List<Check> checks = new ArrayList<>();

        public Builder check(String what, String measured, String target, boolean passed) {
            checks.add(new Check(what, measured, target, passed, true));
            return this;
        }

        /** Marks the check added last as not gating: its figure is reported, a miss does not fail the verdict. */
        public Builder notGating() {
            Check last = checks.removeLast();
            checks.add(new Check(last.what(), last.measured(), last.target(), last.passed(), false));
            return this;
        }

        /** Marks the check added last as not gating when {@code condition} holds (a check that gates only in some runs). */
        public Builder notGatingIf(boolean condition) {
            return condition ? notGating() : this;
        }

        /** {@code measured <= limit}, shown with the given format. */
        public Builder atMost(String what, double measured, double limit, String format) {
            return check(what, format.formatted(measured), "≤ " + format.formatted(limit), measured <= limit);
        }

        /** {@code measured >= limit}, shown with the given format. */
        public Builder atLeast(String what, double measured, double limit, String format) {
            return check(what, format.formatted(measured), "≥ " + format.formatted(limit), measured >= limit);
        }

        public List<Check> checks() {
            return List.copyOf(checks);
        }

        /** Whether every gating check held. */
        public boolean passed() {
            return checks.stream().filter(Check::gating).allMatch(Check::passed);
        }
    }
}
