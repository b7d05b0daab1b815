package io.headroom.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.lab.analysis.Usl;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line: fit prints the model of given points; results writes the proof suite's page; mistakes are one line
 * and exit 2; remote targets are refused; a target command's ${NAME} that no --define fills is named.
 */
class LabCliTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream stdout;
    private PrintStream stderr;

    @BeforeEach
    void capture() {
        stdout = System.out;
        stderr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(stdout);
        System.setErr(stderr);
    }

    @Test
    void fitPrintsTheCoefficientsPeakAndCeilingOfMeasuredPoints() throws Exception {
        Usl truth = new Usl(50, 0.1, 0.01, 1, 0);
        StringBuilder csv = new StringBuilder("concurrency,throughput\n");
        for (int n = 1; n <= 20; n++) {
            csv.append(n).append(',').append(truth.throughput(n)).append('\n');
        }
        Path points = Files.writeString(dir.resolve("points.csv"), csv);
        assertThat(Lab.execute("fit", points.toString(), "--at", "30")).isZero();
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("lambda 50.00/s", "sigma 0.1000", "kappa 0.01000", "R² 1.0000");
        // N* = sqrt(0.9 / 0.01) = 9.487
        assertThat(printed).contains("peak at concurrency 9.487; ceiling 178.7/s", "at concurrency 30.00: throughput 119.0/s", "(extrapolated)");
    }

    @Test
    void fitTakesLoadAndLatencyThroughLittlesLaw() throws Exception {
        Path points = Files.writeString(dir.resolve("load.csv"), "load,throughput,latency_ms\n10,10,100\n20,19,110\n40,33,150\n80,40,400\n");
        assertThat(Lab.execute("fit", points.toString())).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("USL fit over 4 points");
    }

    @Test
    void mistakesAreOneLineAndExit2() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.csv"), "threads,rps\n1,2\n");
        assertThat(Lab.execute("fit", bad.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8).strip()).startsWith("lab: ").contains("the header must name").doesNotContain("\n");

        err.reset();
        Path notNumber = Files.writeString(dir.resolve("nan.csv"), "concurrency,throughput\n1,fast\n2,3\n3,4\n");
        assertThat(Lab.execute("fit", notNumber.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("line 1: throughput is not a number: 'fast'");

        err.reset();
        assertThat(Lab.execute("fit", dir.resolve("missing.csv").toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no such file: ");

        err.reset();
        assertThat(Lab.execute("frobnicate")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8).strip().lines().count()).isEqualTo(1);
    }

    private void verdict(Path folder, int number, String title, boolean gatingHeld, boolean targetMet) throws Exception {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("verdict-" + number + ".json"), """
                {"number": %d, "name": "%s", "title": "%s", "claim": "What %s shows.", "passed": %s, "date": "2026-12-02T10:00:00Z",
                 "machine": {"cores": 2, "memoryMiB": 24000, "jdk": "25", "os": "Linux"}, "database": "PostgreSQL 15.20",
                 "checks": [{"what": "gating check", "measured": "7", "target": "≤ 5", "passed": %s, "gating": true},
                            {"what": "target check", "measured": "0.73", "target": "≥ 0.9", "passed": %s, "gating": false}],
                 "runs": ["hardened"]}
                """.formatted(number, folder.getFileName(), title, title, gatingHeld, gatingHeld, targetMet));
    }

    @Test
    void resultsWritesOnePageFromTheVerdictsAndFailsWhenAGatingCheckFailed() throws Exception {
        Path proof = dir.resolve("proof");
        verdict(proof.resolve("overload"), 1, "Overload", true, false);
        verdict(proof.resolve("crash"), 5, "Crash", true, true);
        Path page = dir.resolve("results.md");

        assertThat(Lab.execute("results", proof.toString(), "--out", page.toString(), "--expect", "1,5,8")).isZero();
        String md = Files.readString(page);
        assertThat(md).contains("2 cores, 24,000 MiB memory, Linux, JDK 25", "PostgreSQL 15.20",
                "| 1 | [Overload](#1-overload-not-met-yet) | **not met yet** | 1 of 2 held; 1 target(s) not met yet (not gating) |",
                "| 5 | [Crash](#5-crash-pass) | **pass** | 2 of 2 held |", "| 8 | – | **not run** | – |",
                "## 1. Overload: not met yet", "| target check | 0.73 | ≥ 0.9 | **no** (not gating) |", "What Crash shows.");
        assertThat(md.indexOf("## 1. Overload")).as("verdicts in their order").isLessThan(md.indexOf("## 5. Crash"));

        verdict(proof.resolve("crash"), 5, "Crash", false, true);
        assertThat(Lab.execute("results", proof.toString(), "--out", page.toString())).as("a gating check failed").isEqualTo(1);
        assertThat(Files.readString(page)).contains("| 5 | [Crash](#5-crash-fail) | **FAIL** | 1 of 2 held |", "| gating check | 7 | ≤ 5 | **no** |");

        err.reset();
        assertThat(Lab.execute("results", dir.resolve("nothing-here").toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8).strip()).startsWith("lab: ").contains("run the proof suite first").doesNotContain("\n");
    }

    @Test
    void aNameInTheTargetCommandThatNoDefineFillsIsNamed() throws Exception {
        Path scenario = Files.writeString(dir.resolve("c.yaml"), """
                name: started
                target: {url: "http://127.0.0.1:1", command: ["${java}", "-jar", "${appJar}", "--server.port=${port}"]}
                operations: [{name: get, weight: 1, path: /}]
                phases: [{type: steady, rate: 1, seconds: 1}]
                """);
        assertThat(Lab.execute("run", scenario.toString(), "--define", "port=1", "--out", dir.resolve("out").toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("uses ${appJar}, which no --define appJar=VALUE gives");
    }

    @Test
    void aTargetOffThisMachineIsRefusedUnlessAllowed() throws Exception {
        Path scenario = Files.writeString(dir.resolve("s.yaml"), """
                name: remote
                operations: [{name: get, weight: 1, path: /}]
                phases: [{type: steady, rate: 1, seconds: 1}]
                """);
        assertThat(Lab.execute("run", scenario.toString(), "--target", "http://192.0.2.10:8080")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("is not on this machine", "--allow-remote");
    }
}
