package io.headroom.lab.analysis;

import io.headroom.lab.analysis.Results.BreaksFirst;
import io.headroom.lab.analysis.Results.Capacity;
import io.headroom.lab.analysis.Results.Drift;
import io.headroom.lab.analysis.Results.FaultResult;
import io.headroom.lab.analysis.Results.Knee;
import io.headroom.lab.analysis.Results.LabelRow;
import io.headroom.lab.analysis.Results.PhaseSummary;
import io.headroom.lab.analysis.Results.Prediction;
import io.headroom.lab.analysis.Results.StepPoint;
import io.headroom.lab.analysis.Results.Verdict;
import io.headroom.lab.analysis.Results.WindowRow;
import io.headroom.lab.load.Generator;
import io.headroom.lab.load.Outcome;
import io.headroom.lab.load.RateSchedule;
import io.headroom.lab.load.Recorder;
import io.headroom.lab.scenario.Scenario;
import io.headroom.lab.scenario.Scenario.Phase;
import io.headroom.lab.service.FaultTimeline;
import io.headroom.lab.service.PrometheusScraper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;

/**
 * Turns a run's raw record into {@link Results}: per-second windows, phase summaries, the capacity model (USL over
 * the steps, knee, 10x prediction), where it broke first, drift in soak and growth phases, fault recovery, and
 * the SLO verdicts — each judged per window, not as a whole-run average.
 */
public final class Analysis {

    /** Saturation thresholds of the server signals, in the order ties are broken. */
    public static final Map<String, Double> THRESHOLDS = thresholds();
    /** A signal saturates when it stays at its threshold this many seconds in a row. */
    static final int SUSTAINED = 3;

    private static Map<String, Double> thresholds() {
        Map<String, Double> t = new LinkedHashMap<>();
        t.put("limiter_utilisation", 0.9);
        t.put("pool_pending", 1.0);
        t.put("cpu", 0.9);
        t.put("queue_age_s", 5.0);
        t.put("gc_overhead", 0.1);
        t.put("heap_after_gc", 0.8);
        t.put("breakers_open", 1.0);
        return t;
    }

    private final Scenario scenario;
    private final Recorder recorder;
    private final RateSchedule schedule;
    private final Set<String> mix;
    private final int lastWindow;

    public Analysis(Scenario scenario, Recorder recorder, double seconds) {
        this.scenario = scenario;
        this.recorder = recorder;
        this.schedule = new RateSchedule(scenario.phases());
        this.mix = scenario.operations().stream().map(Scenario.Operation::name).collect(Collectors.toSet());
        this.lastWindow = (int) Math.min(Math.ceil(Math.min(seconds, schedule.totalSeconds())) - 1, Math.max(recorder.lastWindow(), 0));
    }

    public Results analyse(String label, String startedAt, Generator.Summary summary, Map<Integer, Map<String, Double>> scraped,
                           int scrapeFailures, String scrapeError, List<FaultTimeline.Applied> faults, Results.Machine machine) {
        List<WindowRow> windows = new ArrayList<>();
        for (int w = 0; w <= lastWindow; w++) {
            windows.add(window(w));
        }
        Map<String, List<Double>> signals = new LinkedHashMap<>();
        for (String s : PrometheusScraper.SIGNALS) {
            List<Double> series = new ArrayList<>();
            boolean any = false;
            for (int w = 0; w <= lastWindow; w++) {
                Double v = scraped.getOrDefault(w, Map.of()).get(s);
                any |= v != null;
                series.add(v);
            }
            if (any) {
                signals.put(s, series);
            }
        }
        double capacity = summary.capacity();
        List<FaultResult> faultResults = faults.stream().map(f -> recovery(f, windows)).toList();
        Capacity cap = capacity(windows);
        BreaksFirst breaks = breaksFirst(signals, windows);
        List<Drift> drift = drift(windows, signals);
        List<Verdict> verdicts = verdicts(windows, capacity, faultResults);
        boolean passed = verdicts.stream().allMatch(Verdict::passed);
        return new Results(scenario.name(), label, scenario.target().url(), machine, startedAt, summary.seconds(),
                new Results.Run(summary.intended(), summary.dropped(), summary.late(), summary.stoppedAtRequestLimit(),
                        Double.isNaN(capacity) ? null : capacity, scrapeFailures, scrapeError),
                phases(windows), windows, signals, faultResults, cap, breaks, drift, verdicts, passed);
    }

    // --- windows and phases -----------------------------------------------------------------------------

    private String phaseOf(int w) {
        int i = schedule.phaseAt(w + 0.5);
        return i < 0 ? "after" : schedule.phases().get(i).name();
    }

    private WindowRow window(int w) {
        Map<String, Recorder.Cell> cells = recorder.window(w);
        Histogram merged = new Histogram(1, 3_600_000_000L, 3);
        long offered = 0, ok = 0, good = 0, shed = 0, errors = 0, timeouts = 0, dropped = 0, late = 0;
        Map<String, LabelRow> labels = new TreeMap<>();
        for (var e : cells.entrySet()) {
            Recorder.Cell c = e.getValue();
            long err = c.count(Outcome.CLIENT_ERROR) + c.count(Outcome.SERVER_ERROR) + c.count(Outcome.IO_ERROR);
            labels.put(e.getKey(), new LabelRow(c.offered(), c.count(Outcome.OK), c.goodput(), c.count(Outcome.SHED), err + c.count(Outcome.TIMEOUT),
                    percentile(c.latency(), 99)));
            if (!mix.contains(e.getKey())) {
                continue;
            }
            merged.add(c.latency());
            offered += c.offered();
            ok += c.count(Outcome.OK);
            good += c.goodput();
            shed += c.count(Outcome.SHED);
            errors += err;
            timeouts += c.count(Outcome.TIMEOUT);
            dropped += c.count(Outcome.DROPPED);
            late += c.late();
        }
        return new WindowRow(w, phaseOf(w), offered, ok, good, shed, errors, timeouts, dropped, late, percentile(merged, 50),
                percentile(merged, 90), percentile(merged, 99), percentile(merged, 99.9),
                merged.getTotalCount() == 0 ? null : merged.getMaxValue() / 1000.0, labels);
    }

    static Double percentile(Histogram h, double p) {
        return h.getTotalCount() == 0 ? null : h.getValueAtPercentile(p) / 1000.0;
    }

    private Histogram mixHistogram(int from, int to) {
        Histogram merged = new Histogram(1, 3_600_000_000L, 3);
        for (int w = Math.max(0, from); w <= Math.min(to, lastWindow); w++) {
            recorder.window(w).forEach((l, c) -> {
                if (mix.contains(l)) {
                    merged.add(c.latency());
                }
            });
        }
        return merged;
    }

    /** p99 per label (operation or extra stream) over windows {@code from..to}, each label's histograms merged. */
    private Map<String, Double> labelP99(int from, int to) {
        Map<String, Histogram> byLabel = new TreeMap<>();
        for (int w = Math.max(0, from); w <= Math.min(to, lastWindow); w++) {
            recorder.window(w).forEach((l, c) -> byLabel.computeIfAbsent(l, k -> new Histogram(1, 3_600_000_000L, 3)).add(c.latency()));
        }
        Map<String, Double> p99 = new TreeMap<>();
        byLabel.forEach((l, h) -> p99.put(l, percentile(h, 99)));
        return p99;
    }

    private List<PhaseSummary> phases(List<WindowRow> windows) {
        List<PhaseSummary> out = new ArrayList<>();
        for (int i = 0; i < schedule.phases().size(); i++) {
            Phase p = schedule.phases().get(i);
            int from = (int) Math.ceil(schedule.start(i));
            int to = Math.min(lastWindow, (int) Math.ceil(schedule.end(i)) - 1);
            if (to < from) {
                continue;
            }
            List<WindowRow> in = windows.subList(from, to + 1);
            double n = in.size();
            Histogram h = mixHistogram(from, to);
            out.add(new PhaseSummary(p.name(), p.type(), schedule.start(i), schedule.end(i), sum(in, WindowRow::offered) / n,
                    sum(in, r -> r.offered() - r.dropped()) / n, sum(in, WindowRow::goodput) / n, sum(in, WindowRow::shed) / n, sum(in, r -> r.errors() + r.timeouts()) / n,
                    percentile(h, 50), percentile(h, 99), (long) sum(in, WindowRow::dropped), (long) sum(in, WindowRow::late), labelP99(from, to)));
        }
        return out;
    }

    private static double sum(List<WindowRow> rows, java.util.function.ToLongFunction<WindowRow> f) {
        return rows.stream().mapToLong(f).sum();
    }

    // --- capacity -----------------------------------------------------------------------------------------

    private Capacity capacity(List<WindowRow> windows) {
        List<StepPoint> points = new ArrayList<>();
        for (int i = 0; i < schedule.phases().size(); i++) {
            Phase p = schedule.phases().get(i);
            if (!p.type().equals("steps")) {
                continue;
            }
            for (int k = 0; k < p.steps().size(); k++) {
                int[] w = schedule.stepWindows(i, k);
                int from = w[0];
                int to = Math.min(lastWindow, w[1]);
                if (to < from) {
                    continue;
                }
                List<WindowRow> in = windows.subList(from, to + 1);
                double n = in.size();
                Histogram h = mixHistogram(from, to);
                double sentPerSecond = sum(in, r -> r.offered() - r.dropped()) / n;
                double mean = h.getTotalCount() == 0 ? 0 : h.getMean() / 1000.0;
                points.add(new StepPoint(p.name(), k, sum(in, WindowRow::offered) / n, sum(in, WindowRow::ok) / n, mean,
                        h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(99) / 1000.0, sentPerSecond * mean / 1000.0));
            }
        }
        if (points.size() < 3) {
            return new Capacity(points, null, null, null, null, null, null, null, null,
                    "no capacity model: it needs a steps phase with at least 3 steps");
        }
        Knee knee = null;
        List<StepPoint> byOffered = points.stream().sorted(java.util.Comparator.comparingDouble(StepPoint::offered)).toList();
        int k = Kneedle.knee(byOffered.stream().mapToDouble(StepPoint::offered).toArray(), byOffered.stream().mapToDouble(StepPoint::p99Ms).toArray());
        if (k >= 0) {
            StepPoint kp = byOffered.get(k);
            knee = new Knee(kp.offered(), kp.throughput(), kp.p99Ms());
        }
        Usl usl;
        try {
            usl = Usl.fit(points.stream().filter(pt -> pt.concurrency() > 0).map(pt -> new Usl.Point(pt.concurrency(), pt.throughput())).toList());
        } catch (RuntimeException e) {
            return new Capacity(points, null, null, null, null, null, null, null, knee, "the USL could not be fitted: " + e.getMessage());
        }
        double today = byOffered.getFirst().offered();
        double target = 10 * today;
        double maxN = points.stream().mapToDouble(StepPoint::concurrency).max().orElse(0);
        double maxX = points.stream().mapToDouble(StepPoint::throughput).max().orElse(0);
        boolean extrapolation = (Double.isFinite(usl.peakConcurrency()) && maxN < 0.5 * usl.peakConcurrency()) || target > 1.2 * maxX;
        double n = usl.concurrencyFor(target);
        Prediction at10x;
        if (Double.isNaN(n)) {
            at10x = new Prediction(today, target, usl.maxThroughput(), null, true, extrapolation,
                    "10x today's %.0f/s is %.0f/s, above the fitted ceiling of %.0f/s: %.0f%% of it would be served, the rest queues or is shed"
                            .formatted(today, target, usl.maxThroughput(), 100 * usl.maxThroughput() / target));
        } else {
            double latency = n / target * 1000;
            at10x = new Prediction(today, target, target, latency, false, extrapolation,
                    "10x today's %.0f/s is %.0f/s: within the fitted ceiling of %.0f/s, at a concurrency of %.1f and a mean latency of %.1f ms"
                            .formatted(today, target, usl.maxThroughput(), n, latency));
        }
        String note = extrapolation ? "extrapolation: the measured points stop well below the fitted peak, so the ceiling is a guess" : null;
        return new Capacity(points, usl.lambda(), usl.sigma(), usl.kappa(), usl.rSquared(), finite(usl.peakConcurrency()),
                finite(usl.maxThroughput()), at10x, knee, note);
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    // --- where it breaks first ----------------------------------------------------------------------------

    private BreaksFirst breaksFirst(Map<String, List<Double>> signals, List<WindowRow> windows) {
        for (int w = 0; w <= lastWindow; w++) {
            for (var t : THRESHOLDS.entrySet()) {
                List<Double> s = signals.get(t.getKey());
                if (s == null) {
                    continue;
                }
                boolean sustained = true;
                for (int k = w; k < w + SUSTAINED; k++) {
                    sustained &= k < s.size() && s.get(k) != null && s.get(k) >= t.getValue();
                }
                if (sustained) {
                    return new BreaksFirst(t.getKey(), w, windows.get(w).phase(), windows.get(w).offered(), s.get(w), t.getValue());
                }
            }
        }
        return null;
    }

    // --- drift --------------------------------------------------------------------------------------------

    /** Dead tuples: all app tables, and the job queue's alone. Trended by each minute's peak, and per unit of load in growth. */
    private static final List<String> DEAD_TUPLE_SIGNALS = List.of("dead_tuples", "job_dead_tuples");

    private List<Drift> drift(List<WindowRow> windows, Map<String, List<Double>> signals) {
        List<Drift> out = new ArrayList<>();
        for (int i = 0; i < schedule.phases().size(); i++) {
            Phase p = schedule.phases().get(i);
            if (!p.type().equals("soak") && !p.type().equals("growth")) {
                continue;
            }
            int from = (int) Math.ceil(schedule.start(i));
            int to = Math.min(lastWindow, (int) Math.ceil(schedule.end(i)) - 1);
            Map<String, List<Double>> series = new LinkedHashMap<>();
            series.put("p99_ms", windows.subList(Math.min(from, windows.size()), Math.min(to + 1, windows.size())).stream().map(WindowRow::p99).toList());
            List<String> trended = new ArrayList<>(List.of("heap_after_gc", "connections", "queue_age_s"));
            trended.addAll(DEAD_TUPLE_SIGNALS);
            for (String s : trended) {
                if (signals.containsKey(s)) {
                    List<Double> raw = signals.get(s).subList(Math.min(from, signals.get(s).size()), Math.min(to + 1, signals.get(s).size()));
                    // Sawtooth signals, trended by one point a minute (the Theil-Sen slope of a sawtooth's seconds is
                    // biased upwards by the pairs within a tooth): heap after GC by the minute's lowest, the level each
                    // collection gets back to; dead tuples by the minute's highest, the level each vacuum (by default
                    // once a minute) lets them reach.
                    series.put(s, s.equals("heap_after_gc") ? perMinute(raw, false) : DEAD_TUPLE_SIGNALS.contains(s) ? perMinute(raw, true) : raw);
                }
            }
            if (p.type().equals("growth")) {
                // Dead tuples between two vacuums are writes times the interval, so they grow with the write rate
                // whatever the tables' size. Divided by the load's growth factor, what is left is what grows with the
                // data or with time: the part a growth-stable design must keep flat.
                for (String s : DEAD_TUPLE_SIGNALS) {
                    if (series.containsKey(s)) {
                        List<Double> perLoad = new ArrayList<>();
                        List<Double> peaks = series.get(s);
                        for (int k = 0; k < peaks.size(); k++) {
                            perLoad.add(peaks.get(k) == null ? null : peaks.get(k) / RateSchedule.growthFactor(p, k));
                        }
                        series.put(s + "_per_load", perLoad);
                    }
                }
            }
            for (var e : series.entrySet()) {
                List<double[]> xy = new ArrayList<>();
                for (int k = 0; k < e.getValue().size(); k++) {
                    if (e.getValue().get(k) != null) {
                        xy.add(new double[] {k, e.getValue().get(k)});
                    }
                }
                if (xy.size() < 10) {
                    continue;
                }
                double[] x = xy.stream().mapToDouble(v -> v[0] / 60.0).toArray();
                double[] y = xy.stream().mapToDouble(v -> v[1]).toArray();
                TheilSen ts = TheilSen.fit(x, y, 0.95);
                double median = java.util.Arrays.stream(y).sorted().toArray()[y.length / 2];
                Double perDoubling = null;
                if (p.type().equals("growth")) {
                    double[] doublings = xy.stream().mapToDouble(v -> Math.log(RateSchedule.growthFactor(p, v[0])) / Math.log(2)).toArray();
                    if (java.util.Arrays.stream(doublings).distinct().count() >= 2) {
                        double baseline = median == 0 ? 1 : median;
                        perDoubling = 100 * TheilSen.fit(doublings, y, 0.95).slope() / baseline;
                    }
                }
                String finding = "%s %s %.3g per minute (95%% CI %.3g..%.3g) over %s%s".formatted(e.getKey(),
                        ts.significant() ? (ts.slope() > 0 ? "rises" : "falls") : "shows no trend:", ts.slope(), ts.low(), ts.high(), p.name(),
                        perDoubling == null ? "" : "; %+.1f%% per doubling of load and data".formatted(perDoubling));
                out.add(new Drift(p.name(), e.getKey(), ts.slope(), ts.low(), ts.high(), median, ts.significant(), perDoubling, finding));
            }
        }
        return out;
    }

    /**
     * One value a minute, the minute's highest (or lowest), at the second it was seen; every other second null.
     * A minute without any value stays empty.
     */
    static List<Double> perMinute(List<Double> perSecond, boolean highest) {
        List<Double> out = new ArrayList<>(java.util.Collections.nCopies(perSecond.size(), (Double) null));
        for (int m = 0; m * 60 < perSecond.size(); m++) {
            int best = -1;
            for (int k = m * 60; k < Math.min(perSecond.size(), (m + 1) * 60); k++) {
                Double v = perSecond.get(k);
                if (v != null && (best < 0 || (highest ? v > perSecond.get(best) : v < perSecond.get(best)))) {
                    best = k;
                }
            }
            if (best >= 0) {
                out.set(best, perSecond.get(best));
            }
        }
        return out;
    }

    // --- faults and verdicts ------------------------------------------------------------------------------

    private FaultResult recovery(FaultTimeline.Applied f, List<WindowRow> windows) {
        int start = (int) Math.floor(f.setAt());
        List<WindowRow> before = windows.subList(Math.max(0, start - 5), Math.min(start, windows.size()));
        if (before.isEmpty()) {
            return new FaultResult(f.name(), f.provider(), f.setAt(), f.clearedAt(), null, null, f.error());
        }
        double baseline = sum(before, WindowRow::goodput) / before.size();
        Double recovered = null;
        for (int w = (int) Math.ceil(f.clearedAt()); w + 2 < windows.size(); w++) {
            if (windows.get(w).goodput() >= 0.9 * baseline && windows.get(w + 1).goodput() >= 0.9 * baseline
                    && windows.get(w + 2).goodput() >= 0.9 * baseline) {
                recovered = Math.max(0, w - f.clearedAt());
                break;
            }
        }
        return new FaultResult(f.name(), f.provider(), f.setAt(), f.clearedAt(), baseline, recovered, f.error());
    }

    private List<Verdict> verdicts(List<WindowRow> windows, double capacity, List<FaultResult> faults) {
        List<Verdict> out = new ArrayList<>();
        for (Scenario.Slo slo : scenario.slos()) {
            Set<String> phases = slo.phases() == null || slo.phases().isEmpty() ? null : Set.copyOf(slo.phases());
            List<long[]> selected = new ArrayList<>(); // offered, goodput per window
            List<Double> p99s = new ArrayList<>();
            for (WindowRow r : windows) {
                if (phases != null && !phases.contains(r.phase())) {
                    continue;
                }
                long offered = slo.operation() == null ? r.offered() : r.labels().getOrDefault(slo.operation(), new LabelRow(0, 0, 0, 0, 0, null)).offered();
                long good = slo.operation() == null ? r.goodput() : r.labels().get(slo.operation()) == null ? 0 : r.labels().get(slo.operation()).goodput();
                Double p99 = slo.operation() == null ? r.p99() : r.labels().get(slo.operation()) == null ? null : r.labels().get(slo.operation()).p99();
                if (offered > 0) {
                    selected.add(new long[] {offered, good});
                    p99s.add(p99);
                }
            }
            String what = (slo.operation() == null ? "the mix" : slo.operation()) + (phases == null ? "" : " in " + slo.phases());
            if (slo.availability() != null) {
                long offered = selected.stream().mapToLong(v -> v[0]).sum();
                long good = selected.stream().mapToLong(v -> v[1]).sum();
                double a = offered == 0 ? 0 : good / (double) offered;
                out.add(new Verdict(slo.name(), "availability", offered > 0 && a >= slo.availability(), a, slo.availability(),
                        "%s: %d of %d requests answered 2xx within their deadline (%.3f%%)".formatted(what, good, offered, 100 * a)));
            }
            if (slo.p99Ms() != null) {
                long met = p99s.stream().filter(p -> p != null && p <= slo.p99Ms()).count();
                double share = p99s.isEmpty() ? 0 : met / (double) p99s.size();
                out.add(new Verdict(slo.name(), "p99", !p99s.isEmpty() && share >= slo.attainmentOrDefault(), share, slo.attainmentOrDefault(),
                        "%s: p99 <= %.0f ms in %d of %d windows (needed %.0f%%)".formatted(what, slo.p99Ms(), met, p99s.size(),
                                100 * slo.attainmentOrDefault())));
            }
            if (slo.goodputRatio() != null) {
                long met = selected.stream().filter(v -> v[1] >= slo.goodputRatio() * Math.min(v[0], Double.isNaN(capacity) ? v[0] : capacity)).count();
                double share = selected.isEmpty() ? 0 : met / (double) selected.size();
                out.add(new Verdict(slo.name(), "goodput", !selected.isEmpty() && share >= slo.attainmentOrDefault(), share, slo.attainmentOrDefault(),
                        "%s: goodput >= %.0f%% of min(offered, capacity %s) in %d of %d windows".formatted(what, 100 * slo.goodputRatio(),
                                Double.isNaN(capacity) ? "unmeasured" : "%.0f/s".formatted(capacity), met, selected.size())));
            }
            if (slo.recoverySeconds() != null) {
                double worst = 0;
                boolean all = !faults.isEmpty();
                StringBuilder detail = new StringBuilder();
                for (FaultResult f : faults) {
                    if (f.recoverySeconds() == null) {
                        all = false;
                        worst = Double.POSITIVE_INFINITY;
                        detail.append(f.name()).append(": goodput not back to 90% of before within the run; ");
                    } else {
                        worst = Math.max(worst, f.recoverySeconds());
                        all &= f.recoverySeconds() <= slo.recoverySeconds();
                        detail.append("%s: back in %.0f s; ".formatted(f.name(), f.recoverySeconds()));
                    }
                }
                out.add(new Verdict(slo.name(), "recovery", all, Double.isFinite(worst) ? worst : null, slo.recoverySeconds(),
                        faults.isEmpty() ? "no fault was injected" : detail.toString().trim()));
            }
        }
        return out;
    }
}
