package io.headroom.lab.service;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the target's Prometheus endpoint every second during a run and keeps its saturation signals per second:
 * admission-limit utilisation, connection-pool waiters, job-queue age and depth, CPU, GC overhead, heap after GC,
 * dead tuples (all app tables, and the job queue's own tables), open breakers. A signal the target does not expose
 * (naive mode has no limiter) is absent.
 * The text format is parsed here: the few lines needed are simpler than a client library's model of it.
 */
public final class PrometheusScraper {

    /** The signals kept, in the order a report shows them. */
    public static final List<String> SIGNALS = List.of("limiter_utilisation", "admission_limit", "pool_pending", "queue_age_s", "queue_depth", "cpu",
            "gc_overhead", "heap_after_gc", "dead_tuples", "job_dead_tuples", "connections", "breakers_open");

    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** One series of one scrape: metric name, labels, value. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private final HttpClient http;
    private final URI endpoint;
    private final Map<Integer, Map<String, Double>> bySecond = new ConcurrentSkipListMap<>();
    private volatile int failures;
    private volatile String lastFailure;

    public PrometheusScraper(HttpClient http, URI endpoint) {
        this.http = http;
        this.endpoint = endpoint;
    }

    /** Scrapes once a second on a virtual thread until interrupted; {@code start} is the run's start (nanoTime). */
    public Thread start(long start) {
        return Thread.ofVirtual().name("lab-scraper").start(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    long now = System.nanoTime();
                    scrapeOnce((int) ((now - start) / 1_000_000_000L));
                    Thread.sleep(Math.max(1, 1000 - (System.nanoTime() - now) / 1_000_000));
                }
            } catch (InterruptedException stopped) {
                Thread.currentThread().interrupt();
            }
        });
    }

    void scrapeOnce(int second) throws InterruptedException {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(2)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                failed("answered " + r.statusCode());
                return;
            }
            bySecond.put(second, signals(parse(r.body())));
        } catch (IOException e) {
            failed(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private void failed(String why) {
        failures++;
        lastFailure = "scraping " + endpoint + " failed: " + why;
    }

    public Map<Integer, Map<String, Double>> bySecond() {
        return bySecond;
    }

    public int failures() {
        return failures;
    }

    public String lastFailure() {
        return lastFailure;
    }

    /** The samples of a scrape in the text format; comments and lines that are not a sample are left out. */
    public static List<Sample> parse(String text) {
        return text.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).map(PrometheusScraper::sample)
                .filter(java.util.Objects::nonNull).toList();
    }

    private static Sample sample(String line) {
        int space = line.lastIndexOf(' ');
        if (space < 0) {
            return null;
        }
        String series = line.substring(0, space).trim();
        double value;
        try {
            value = Double.parseDouble(line.substring(space + 1).trim());
        } catch (NumberFormatException e) {
            return null;
        }
        int brace = series.indexOf('{');
        Map<String, String> labels = new LinkedHashMap<>();
        if (brace >= 0) {
            Matcher m = LABEL.matcher(series.substring(brace));
            while (m.find()) {
                labels.put(m.group(1), m.group(2));
            }
        }
        return new Sample(brace < 0 ? series : series.substring(0, brace), labels, value);
    }

    /** The saturation signals from one scrape. */
    static Map<String, Double> signals(List<Sample> samples) {
        Map<String, Double> s = new LinkedHashMap<>();
        Double limit = first(samples, "headroom_admission_limit");
        Double inFlight = first(samples, "headroom_admission_in_flight");
        if (limit != null && inFlight != null && limit > 0) {
            s.put("limiter_utilisation", inFlight / limit);
        }
        // The adaptive limit itself: a limit pinned at its minimum while the CPU has room is the limiter's fault.
        put(s, "admission_limit", limit);
        put(s, "pool_pending", sum(samples, "hikaricp_connections_pending"));
        put(s, "queue_age_s", max(samples, "headroom_jobs_oldest_ready_age_seconds"));
        put(s, "queue_depth", sum(samples, "headroom_jobs_depth"));
        put(s, "cpu", first(samples, "process_cpu_usage"));
        put(s, "gc_overhead", first(samples, "jvm_gc_overhead"));
        put(s, "heap_after_gc", max(samples, "jvm_memory_usage_after_gc"));
        Double dead = sum(samples, "headroom_db_dead_tuples");
        put(s, "dead_tuples", dead);
        // The job queue's tables alone: rotation and their own autovacuum settings are meant to bound these.
        put(s, "job_dead_tuples", sum(samples, "headroom_jobs_table_dead_tuples"));
        // Open database connections over all pools: a leak, or pools that grow with load, shows as a rising line.
        put(s, "connections", sum(samples, "hikaricp_connections"));
        boolean anyBreaker = samples.stream().anyMatch(x -> x.name().equals("headroom_calls_breaker_state") && x.value() >= 0);
        if (anyBreaker) {
            s.put("breakers_open", (double) samples.stream().filter(x -> x.name().equals("headroom_calls_breaker_state") && x.value() == 1).count());
        }
        return s;
    }

    private static void put(Map<String, Double> s, String k, Double v) {
        if (v != null && !v.isNaN()) {
            s.put(k, v);
        }
    }

    private static Double first(List<Sample> samples, String name) {
        return samples.stream().filter(x -> x.name().equals(name)).map(Sample::value).findFirst().orElse(null);
    }

    private static Double sum(List<Sample> samples, String name) {
        var values = samples.stream().filter(x -> x.name().equals(name)).mapToDouble(Sample::value).toArray();
        return values.length == 0 ? null : java.util.Arrays.stream(values).sum();
    }

    private static Double max(List<Sample> samples, String name) {
        var values = samples.stream().filter(x -> x.name().equals(name)).mapToDouble(Sample::value).toArray();
        return values.length == 0 ? null : java.util.Arrays.stream(values).max().orElseThrow();
    }
}
