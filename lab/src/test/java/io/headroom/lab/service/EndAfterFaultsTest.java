package io.headroom.lab.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.headroom.lab.Lab;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code limits.endAfterFaults}: a run whose phases are long enough for its faults on the slowest machine ends soon
 * after its last fault cleared, with its figures up to then; without it, the phases run out.
 */
class EndAfterFaultsTest {

    @TempDir
    Path dir;

    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private JsonNode run(String endAfterFaults) throws Exception {
        if (server == null) {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/", exchange -> {
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            server.start();
        }
        // A command fault set at 1 s and undone at 2 s; phases of 12 s.
        Path scenario = Files.writeString(dir.resolve("faults.yaml"), """
                name: end-after-faults
                target: {url: "http://127.0.0.1:%d", metrics: none}
                limits: {maxSeconds: 20%s}
                operations: [{name: get, weight: 1, path: /, timeoutMs: 1000}]
                phases: [{name: steady, type: steady, rate: 100, seconds: 12}]
                faults: [{name: pause, kind: command, at: 1, seconds: 1, run: ["true"], undo: ["true"]}]
                """.formatted(server.getAddress().getPort(), endAfterFaults));
        Path out = dir.resolve("out-" + System.nanoTime());
        assertThat(Lab.execute("run", scenario.toString(), "--out", out.toString())).isZero();
        return JsonMapper.builder().build().readTree(Files.readString(out.resolve("results.json")));
    }

    @Test
    void theRunEndsThatLongAfterTheLastFaultClearedAndKeepsItsFigures() throws Exception {
        JsonNode r = run(", endAfterFaults: 2");
        double cleared = r.at("/faults/0/clearedAt").asDouble();
        assertThat(cleared).isBetween(1.9, 3.0);
        double seconds = r.get("seconds").asDouble();
        assertThat(seconds).as("ended 2 s after the fault cleared (rounded up to a whole second), not after 12 s of phases")
                .isEqualTo(Math.ceil(cleared + 2), Offset.offset(0.01));
        assertThat(r.at("/run/intended").asLong()).as("100/s until the end, and none after").isBetween((long) (seconds * 100) - 3, (long) (seconds * 100) + 3);
        int lastWindow = 0;
        for (JsonNode w : r.get("windows")) {
            lastWindow = Math.max(lastWindow, w.get("t").asInt());
        }
        assertThat(lastWindow).as("no windows after the end").isLessThan(7);
        assertThat(r.at("/phases/0/offeredPerSecond").asDouble()).as("the phase's rate is over the seconds it ran").isBetween(95.0, 105.0);
    }

    @Test
    void withoutItThePhasesRunOut() throws Exception {
        JsonNode r = run("");
        assertThat(r.get("seconds").asDouble()).isGreaterThanOrEqualTo(12.0);
        assertThat(r.at("/run/intended").asLong()).isBetween(1180L, 1220L);
    }

    @Test
    void withoutFaultsItIsRefused() throws Exception {
        Path scenario = Files.writeString(dir.resolve("bad.yaml"), """
                name: bad
                target: {url: "http://127.0.0.1:1", metrics: none}
                limits: {maxSeconds: 20, endAfterFaults: 5}
                operations: [{name: get, weight: 1, path: /, timeoutMs: 1000}]
                phases: [{name: steady, type: steady, rate: 10, seconds: 2}]
                """);
        assertThat(Lab.execute("run", scenario.toString(), "--out", dir.resolve("bad-out").toString())).isEqualTo(2);
    }
}
