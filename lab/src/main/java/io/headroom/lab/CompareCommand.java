package io.headroom.lab;

import io.headroom.lab.analysis.Results;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import tools.jackson.core.JacksonException;

/** {@code lab compare <a/results.json> <b/results.json>}: two runs side by side, phase by phase and verdict by verdict. */
@Command(name = "compare", mixinStandardHelpOptions = true, description = "Print two runs side by side.")
final class CompareCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "A")
    Path a;

    @Parameters(index = "1", paramLabel = "B")
    Path b;

    @Override
    public Integer call() {
        Results ra = read(a);
        Results rb = read(b);
        System.out.print(table(ra, rb));
        return 0;
    }

    static Results read(Path file) {
        if (!java.nio.file.Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no such file: " + file);
        }
        try {
            return RunCommand.JSON.readValue(file.toFile(), Results.class);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(file + " is not a lab results.json: " + e.getOriginalMessage());
        }
    }

    /** The side-by-side table, as {@code lab compare} and the demo print it. */
    static String table(Results a, Results b) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"", a.label(), b.label()});
        Map<String, Results.PhaseSummary> pa = new LinkedHashMap<>();
        a.phases().forEach(p -> pa.put(p.name(), p));
        for (Results.PhaseSummary q : b.phases()) {
            Results.PhaseSummary p = pa.get(q.name());
            if (p == null) {
                continue;
            }
            rows.add(new String[] {q.name() + ": goodput / offered", rate(p.goodputPerSecond(), p.offeredPerSecond()), rate(q.goodputPerSecond(), q.offeredPerSecond())});
            rows.add(new String[] {q.name() + ": p99", ms(p.p99()), ms(q.p99())});
            rows.add(new String[] {q.name() + ": shed / errors per s", "%.1f / %.1f".formatted(p.shedPerSecond(), p.errorsPerSecond()),
                    "%.1f / %.1f".formatted(q.shedPerSecond(), q.errorsPerSecond())});
        }
        rows.add(new String[] {"capacity (USL ceiling)", ceiling(a), ceiling(b)});
        rows.add(new String[] {"breaks first", breaks(a), breaks(b)});
        for (Results.Verdict v : b.verdicts()) {
            Results.Verdict u = a.verdicts().stream().filter(x -> x.slo().equals(v.slo()) && x.check().equals(v.check())).findFirst().orElse(null);
            rows.add(new String[] {"SLO " + v.slo() + " (" + v.check() + ")", u == null ? "–" : verdict(u), verdict(v)});
        }
        rows.add(new String[] {"verdict", a.passed() ? "PASS" : "FAIL", b.passed() ? "PASS" : "FAIL"});
        int[] width = new int[3];
        for (String[] r : rows) {
            for (int i = 0; i < 3; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] r : rows) {
            out.append(String.format(Locale.ROOT, "  %-" + width[0] + "s  %-" + width[1] + "s  %-" + width[2] + "s%n", r[0], r[1], r[2]));
        }
        return out.toString();
    }

    private static String rate(double good, double offered) {
        return String.format(Locale.ROOT, "%.1f / %.1f /s", good, offered);
    }

    private static String ms(Double v) {
        return v == null ? "–" : String.format(Locale.ROOT, "%.1f ms", v);
    }

    private static String ceiling(Results r) {
        return r.capacity().maxThroughput() == null ? "–" : String.format(Locale.ROOT, "%.0f/s", r.capacity().maxThroughput());
    }

    private static String breaks(Results r) {
        return r.breaksFirst() == null ? "nothing saturated" : r.breaksFirst().signal() + " at " + r.breaksFirst().atSecond() + " s";
    }

    private static String verdict(Results.Verdict v) {
        return (v.passed() ? "pass" : "FAIL") + (v.measured() == null ? "" : String.format(Locale.ROOT, " (%.3f)", v.measured()));
    }
}
