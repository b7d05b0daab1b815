package io.headroom.lab.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.lab.Lab;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A kill fault: the lab starts the target as a process, kills it with SIGKILL mid-run, starts it again, measures
 * the outage and the recovery, and leaves no process behind.
 */
class KillAndRestartTest {

    @TempDir
    Path dir;

    @Test
    void theTargetIsKilledRestartedAndStoppedAndTheOutageIsMeasured() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path scenario = Files.writeString(dir.resolve("kill.yaml"), """
                name: kill
                target:
                  url: "http://127.0.0.1:%d"
                  metrics: none
                  health: /health
                  command: ["${java}", "-cp", "%s", "io.headroom.lab.service.StubServer", "%d"]
                limits: {maxSeconds: 20}
                operations: [{name: get, weight: 1, path: /, timeoutMs: 1000}]
                phases: [{name: steady, type: steady, rate: 50, seconds: 8}]
                faults: [{name: crash, kind: kill, at: 2, seconds: 2}]
                slos: [{name: recovers, recoverySeconds: 3}]
                """.formatted(port, System.getProperty("java.class.path"), port));
        Path out = dir.resolve("out");

        assertThat(Lab.execute("run", scenario.toString(), "--out", out.toString())).isZero();

        JsonNode r = JsonMapper.builder().build().readTree(Files.readString(out.resolve("results.json")));
        JsonNode crash = r.at("/faults/0");
        assertThat(crash.get("name").asString()).isEqualTo("crash");
        assertThat(crash.get("error").isNull()).as(crash.toString()).isTrue();
        assertThat(crash.get("setAt").asDouble()).isBetween(1.9, 2.5);
        assertThat(crash.get("clearedAt").asDouble()).as("restarted after 2 s, healthy soon after").isBetween(4.0, 7.0);
        long failedWhileDown = 0;
        for (JsonNode w : r.get("windows")) {
            if (w.get("t").asInt() == 3) {
                failedWhileDown = w.get("errors").asLong() + w.get("timeouts").asLong();
                assertThat(w.get("ok").asLong()).as("nothing answers while the target is down").isZero();
            }
        }
        assertThat(failedWhileDown).as("requests in second 3 all failed").isGreaterThanOrEqualTo(45);
        assertThat(r.at("/windows/7/ok").asLong()).as("served again after the restart").isGreaterThanOrEqualTo(45);
        assertThat(r.at("/verdicts/0/passed").asBoolean()).as(r.at("/verdicts/0").toString()).isTrue();
        assertThat(ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains("StubServer " + port)))
                .as("the lab stops the target it started").isEmpty();
        assertThat(out.resolve("target.log")).exists();
    }
}
