package io.headroom.lab.proof;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** The proof suite's results page in Markdown: a summary table, then each verdict's checks with their figures. */
public final class ResultsPage {

    private ResultsPage() {
    }

    /** {@code expected}: the verdict numbers the suite has; those without a result are listed as not run. */
    public static String markdown(List<ProofVerdict> verdicts, List<Integer> expected, Path dir) {
        StringBuilder md = new StringBuilder();
        ProofVerdict first = verdicts.getFirst();
        Set<String> dates = verdicts.stream().map(v -> v.date().substring(0, 10)).collect(Collectors.toCollection(TreeSet::new));
        md.append("# Results: the proof of growth-stability\n\n");
        md.append("Written by `./headroom proof` (`lab results`) from the latest run of each verdict of the proof suite: scenarios in\n")
                .append("[`lab/scenarios/proof/`](../lab/scenarios/proof), tests in [`app/src/test/java/io/headroom/proof/`](../app/src/test/java/io/headroom/proof),\n")
                .append("run by `./headroom test` (and so by CI). Each verdict ran the system as real processes (the app, the payment and email\n")
                .append("simulators, PostgreSQL) on loopback, with the lab's open-model load. Do not edit by hand.\n\n");
        md.append("- **Machine**: %d cores, %,d MiB memory, %s, JDK %s\n".formatted(first.machine().cores(), first.machine().memoryMiB(),
                first.machine().os(), first.machine().jdk()));
        md.append("- **Database**: %s\n".formatted(verdicts.stream().map(ProofVerdict::database).distinct().collect(Collectors.joining("; "))));
        md.append("- **Run on**: %s\n\n".formatted(String.join(", ", dates)));
        md.append("A check marked *not gating* is a target the system does not meet yet: its figure is reported, and a miss does\n")
                .append("not fail the verdict (or CI). Every other check gates.\n\n");
        md.append("| # | verdict | result | checks |\n|---|---|---|---|\n");
        for (ProofVerdict v : verdicts) {
            long held = v.checks().stream().filter(ProofVerdict.Check::passed).count();
            String unmet = v.unmet().isEmpty() ? "" : "; %d target(s) not met yet (not gating)".formatted(v.unmet().size());
            md.append("| %d | [%s](#%s) | %s | %d of %d held%s |\n".formatted(v.number(), v.title(), anchor(v), "**" + result(v) + "**",
                    held, v.checks().size(), unmet));
        }
        Set<Integer> ran = verdicts.stream().map(ProofVerdict::number).collect(Collectors.toSet());
        for (int number : expected) {
            if (!ran.contains(number)) {
                md.append("| %d | – | **not run** | – |\n".formatted(number));
            }
        }
        for (ProofVerdict v : verdicts) {
            md.append("\n## %d. %s: %s\n\n".formatted(v.number(), v.title(), result(v)));
            md.append(v.claim()).append("\n\n");
            md.append("| check | measured | target | held |\n|---|---|---|---|\n");
            for (ProofVerdict.Check c : v.checks()) {
                md.append("| %s | %s | %s | %s |\n".formatted(c.what(), c.measured(), c.target(),
                        c.passed() ? "yes" : c.gating() ? "**no**" : "**no** (not gating)"));
            }
            md.append("\nRun %s; lab runs: %s.\n".formatted(v.date(),
                    v.runs().isEmpty() ? "none (no lab run: a test of its own)" : v.runs().stream().map(r -> "`" + dir.resolve(v.name())
                            .resolve(r) + "/report.html`").collect(Collectors.joining(", "))));
        }
        return md.toString();
    }

    /** FAIL when a gating check failed; "not met yet" when only targets that do not gate were missed; else pass. */
    static String result(ProofVerdict v) {
        return !v.passed() ? "FAIL" : v.unmet().isEmpty() ? "pass" : "not met yet";
    }

    private static String anchor(ProofVerdict v) {
        return (v.number() + "-" + v.title() + "-" + result(v)).toLowerCase().replaceAll("[^a-z0-9 -]", "").replace(' ', '-');
    }
}
