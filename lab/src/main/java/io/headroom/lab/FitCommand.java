package io.headroom.lab;

import io.headroom.lab.analysis.Usl;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lab fit <points.csv>}: the capacity model from measurements you already have. Columns (a header row):
 * {@code concurrency} or {@code load}, {@code throughput}, and optionally {@code latency_ms}. With {@code load}
 * and a latency, concurrency comes from Little's law (throughput × latency); with {@code load} alone, load is
 * taken as the concurrency (e.g. a closed-loop tool's thread count).
 */
@Command(name = "fit", mixinStandardHelpOptions = true, description = "Fit the Universal Scalability Law to measured points.")
final class FitCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "POINTS.csv")
    Path file;

    @Option(names = "--at", description = "also predict throughput and latency at this concurrency")
    Double at;

    @Override
    public Integer call() throws IOException {
        List<Usl.Point> points = read(file);
        Usl usl = Usl.fit(points);
        System.out.printf(Locale.ROOT, "USL fit over %d points: lambda %.4g/s, sigma %.4g, kappa %.4g, R² %.4f%n", points.size(), usl.lambda(),
                usl.sigma(), usl.kappa(), usl.rSquared());
        System.out.printf(Locale.ROOT, "peak at concurrency %s; ceiling %s/s%n", number(usl.peakConcurrency()), number(usl.maxThroughput()));
        double maxN = points.stream().mapToDouble(Usl.Point::concurrency).max().orElse(0);
        if (Double.isFinite(usl.peakConcurrency()) && maxN < 0.5 * usl.peakConcurrency()) {
            System.out.printf(Locale.ROOT, "note: the points stop at concurrency %.1f, below half the fitted peak: the ceiling is an extrapolation%n", maxN);
        }
        if (at != null) {
            double x = usl.throughput(at);
            System.out.printf(Locale.ROOT, "at concurrency %s: throughput %.4g/s, mean latency %.4g ms (Little's law)%s%n", number(at), x,
                    at / x * 1000, at > maxN ? " (extrapolated)" : "");
        }
        return 0;
    }

    static List<Usl.Point> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no such file: " + file);
        }
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setIgnoreSurroundingSpaces(true)
                .setIgnoreEmptyLines(true).setCommentMarker('#').get();
        List<Usl.Point> points = new ArrayList<>();
        try (Reader in = Files.newBufferedReader(file); var parser = format.parse(in)) {
            List<String> header = parser.getHeaderNames();
            boolean concurrency = header.contains("concurrency");
            if (!concurrency && !header.contains("load") || !header.contains("throughput")) {
                throw new IllegalArgumentException(file + ": the header must name 'concurrency' or 'load', and 'throughput' (optionally 'latency_ms'); it is " + header);
            }
            boolean latency = header.contains("latency_ms");
            for (CSVRecord r : parser) {
                double x = number(file, r, "throughput");
                double n = concurrency ? number(file, r, "concurrency")
                        : latency ? x * number(file, r, "latency_ms") / 1000 : number(file, r, "load");
                if (n <= 0 || x < 0) {
                    throw new IllegalArgumentException(file + " line " + r.getRecordNumber() + ": concurrency must be > 0 and throughput >= 0");
                }
                points.add(new Usl.Point(n, x));
            }
        }
        return points;
    }

    private static double number(Path file, CSVRecord r, String column) {
        String v = r.isMapped(column) && r.isSet(column) ? r.get(column) : "";
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + " line " + r.getRecordNumber() + ": " + column + " is not a number: '" + v + "'");
        }
    }

    private static String number(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4g", v) : "none (kappa = 0: throughput levels off)";
    }
}
