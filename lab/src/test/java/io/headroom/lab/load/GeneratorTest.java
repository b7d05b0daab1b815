package io.headroom.lab.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.headroom.lab.scenario.Scenario;
import io.headroom.lab.service.HttpWorkload;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The generator against a stub server with known, injected stalls: latency counts from each request's intended
 * start, so a stall shows in every request it held up (no coordinated omission); the achieved rate is the
 * requested one; requests over the in-flight bound are counted as dropped.
 */
class GeneratorTest {

    private HttpServer server;
    /** Requests arriving before this instant (nanoTime) wait until it: a stall of the whole server. */
    private final AtomicLong stallUntil = new AtomicLong();
    private final AtomicLong stallFrom = new AtomicLong(Long.MAX_VALUE);

    private int start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            long now = System.nanoTime();
            if (now >= stallFrom.get() && now < stallUntil.get()) {
                try {
                    Thread.sleep(Duration.ofNanos(stallUntil.get() - now));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        return server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static Scenario scenario(int port, String phase, int maxInFlight) {
        return Scenario.parse("test", """
                name: stub
                target: {url: "http://127.0.0.1:%d", metrics: none}
                limits: {maxSeconds: 30, maxRequests: 100000, maxInFlight: %d}
                operations: [{name: get, weight: 1, path: /, timeoutMs: 5000}]
                phases: [%s]
                """.formatted(port, maxInFlight, phase));
    }

    private static Histogram all(Recorder r) {
        Histogram h = new Histogram(1, Recorder.MAX_MICROS, 3);
        for (int w = 0; w <= r.lastWindow(); w++) {
            r.window(w).values().forEach(c -> h.add(c.latency()));
        }
        return h;
    }

    private static Generator.Summary run(Scenario s, Recorder r) {
        try (Transport transport = new Transport(s.limits().maxConnections(), s.limits().maxInFlight())) {
            return new Generator(s, new HttpWorkload(s, null, 1), transport, r, 1, (t, p, w, f) -> {
            }).run();
        }
    }

    @Test
    void aStallShowsInEveryRequestItHeldUpAndTheRateIsKept() throws Exception {
        Scenario s = scenario(start(), "{name: steady, type: steady, rate: 200, seconds: 5}", 10_000);
        long now = System.nanoTime();
        stallFrom.set(now + Duration.ofMillis(2000).toNanos());
        stallUntil.set(now + Duration.ofMillis(2500).toNanos());
        Recorder r = new Recorder();
        Generator.Summary summary = run(s, r);

        Histogram h = all(r);
        assertThat(summary.intended()).as("200/s for 5 s").isBetween(990L, 1010L);
        assertThat(h.getTotalCount()).isEqualTo(summary.intended());
        // ~100 of 1000 requests were intended during the 500 ms stall and waited for its end: their latencies are
        // spread over 0..500 ms, so p90 sits at the stall's edge and p99 near its full length. A tool that waits for
        // answers before sending would have sent 1 request during the stall and reported a p99 of a few ms.
        assertThat(h.getValueAtPercentile(99) / 1000.0).as("p99 ms").isGreaterThan(400);
        assertThat(h.getValueAtPercentile(95) / 1000.0).as("p95 ms").isGreaterThan(200);
        assertThat(h.getValueAtPercentile(50) / 1000.0).as("p50 ms: most requests were not held up").isLessThan(50);
        assertThat(h.getMaxValue() / 1000.0).isBetween(450.0, 700.0);
        long inStallWindow = r.window(2).values().stream().mapToLong(c -> c.count(Outcome.OK)).sum();
        assertThat(inStallWindow).as("requests intended in second 2 are recorded there, however late they ended").isBetween(195L, 205L);
        assertThat(summary.dropped()).isZero();
    }

    @Test
    void theAchievedRateIsWithinOnePercentOfTheRequestedOne() throws Exception {
        Scenario s = scenario(start(), "{name: steady, type: steady, rate: 1000, seconds: 4}", 10_000);
        Recorder r = new Recorder();
        Generator.Summary summary = run(s, r);
        long sent = summary.intended() - summary.dropped();
        assertThat(sent / 4.0).as("achieved rate").isBetween(990.0, 1010.0);
        for (int w = 0; w < 4; w++) {
            long offered = r.window(w).values().stream().mapToLong(Recorder.Cell::offered).sum();
            assertThat(offered).as("window " + w).isBetween(990L, 1010L);
        }
    }

    @Test
    void requestsOverTheInFlightBoundAreCountedAsDroppedNotSkipped() throws Exception {
        int port = start();
        stallFrom.set(0);
        stallUntil.set(System.nanoTime() + Duration.ofSeconds(3).toNanos());
        Scenario s = scenario(port, "{name: steady, type: steady, rate: 100, seconds: 1}", 10);
        Recorder r = new Recorder();
        Generator.Summary summary = run(s, r);
        assertThat(summary.intended()).isBetween(99L, 101L);
        assertThat(summary.dropped()).as("all but the 10 in flight").isEqualTo(summary.intended() - 10);
        assertThat(r.window(0).get("get").count(Outcome.DROPPED)).isEqualTo(summary.dropped());
        assertThat(r.window(0).get("get").offered()).isEqualTo(summary.intended());
    }

    @Test
    void poissonArrivalsKeepTheMeanRate() throws Exception {
        Scenario s = scenario(start(), "{name: steady, type: steady, rate: 500, seconds: 4, arrivals: poisson}", 10_000);
        Generator.Summary summary = run(s, new Recorder());
        // 2000 expected; a Poisson count's standard deviation is sqrt(2000) = 45.
        assertThat(summary.intended()).isBetween(1820L, 2180L);
    }
}
