package io.headroom.lab.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.lab.load.RateSchedule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Scenario files: the shipped ones load, a bad one is refused naming the field, phases give the rates they say. */
class ScenarioTest {

    static final String OPS = "operations: [{name: get, weight: 1, path: /}]\n";

    @Test
    void everyShippedScenarioLoads() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("scenarios"))) {
            var yamls = files.filter(p -> p.toString().endsWith(".yaml")).toList();
            assertThat(yamls).isNotEmpty();
            yamls.forEach(f -> assertThat(Scenario.load(f).phases()).as(f.toString()).isNotEmpty());
        }
    }

    @Test
    void mistakesAreNamedByTheirField() {
        assertThatThrownBy(() -> Scenario.parse("x", OPS + "phases: [{type: steady, seconds: 5}]"))
                .hasMessage("scenario x: phases[0] (steady): give either rate or capacityFactor");
        assertThatThrownBy(() -> Scenario.parse("x", OPS + "phases: [{type: wobble, seconds: 5}]"))
                .hasMessageContaining("phases[0] (wobble).type must be one of");
        assertThatThrownBy(() -> Scenario.parse("x", OPS + "phases: [{type: steady, capacityFactor: 2, seconds: 5}]"))
                .hasMessageContaining("needs a steps phase before it");
        assertThatThrownBy(() -> Scenario.parse("x", OPS + "phases: [{type: steady, rate: 1, seconds: 5, speed: 3}]"))
                .hasMessageContaining("is not valid").hasMessageContaining("speed");
        assertThatThrownBy(() -> Scenario.parse("x", OPS + "limits: {maxSeconds: 10}\nphases: [{type: steady, rate: 1, seconds: 20}]"))
                .hasMessageContaining("more than limits.maxSeconds");
        assertThatThrownBy(() -> Scenario.parse("x", OPS + "phases: [{type: steady, rate: 1, seconds: 5}]\n"
                + "faults: [{name: f, at: 4, seconds: 5, provider: payments, set: {errorRate: 1}}]"))
                .hasMessageContaining("must fit within the phases");
        assertThatThrownBy(() -> Scenario.parse("x", OPS + "phases: [{type: steady, rate: 1, seconds: 5}]\nslos: [{name: s, operation: nope, p99Ms: 5}]"))
                .hasMessageContaining("must name one of the operations");
        assertThatThrownBy(() -> Scenario.parse("x", OPS + "phases: [{type: steady, rate: 1, seconds: 5}]\n"
                + "faults: [{name: crash, kind: kill, at: 1, seconds: 1}]"))
                .hasMessageContaining("a kill fault needs target.command");
    }

    @Test
    void anObjectiveMayJudgeAnExtraStreamByItsLabel() {
        String phases = "phases: [{type: steady, rate: 1, seconds: 5, extra: [{label: steady-get, operation: get, rate: 2}]}]\n";
        Scenario s = Scenario.parse("x", OPS + phases + "slos: [{name: s, operation: steady-get, availability: 0.99}]");
        assertThat(s.slos()).singleElement().satisfies(o -> assertThat(o.operation()).isEqualTo("steady-get"));
        assertThatThrownBy(() -> Scenario.parse("x", OPS + phases + "slos: [{name: s, operation: other-get, availability: 0.99}]"))
                .hasMessageContaining("must name one of the operations or an extra stream's label, got 'other-get'");
    }

    @Test
    void phasesGiveTheirRates() {
        Scenario s = Scenario.parse("x", OPS + """
                phases:
                  - {name: cap, type: steps, steps: [10, 20, 30], stepSeconds: 2}
                  - {name: over, type: steady, capacityFactor: 3, seconds: 2}
                  - {name: r, type: ramp, from: 0, to: 100, seconds: 10}
                  - {name: sp, type: spike, rate: 5, spikeRate: 50, spikeAt: 1, spikeSeconds: 1, seconds: 3}
                  - {name: g, type: growth, rate: 10, growthPercent: 100, periodSeconds: 2, seconds: 6}
                """);
        RateSchedule r = new RateSchedule(s.phases());
        assertThat(r.rate(0.5, 40)).isEqualTo(10);
        assertThat(r.rate(5.9, 40)).isEqualTo(30);
        assertThat(r.rate(6.5, 40)).as("3x the measured 40/s").isEqualTo(120);
        assertThat(r.rate(13, 40)).isEqualTo(50);
        assertThat(r.rate(18.5, 40)).isEqualTo(5);
        assertThat(r.rate(19.5, 40)).isEqualTo(50);
        assertThat(r.rate(21.5, 40)).isEqualTo(10);
        assertThat(r.rate(23.5, 40)).isEqualTo(20);
        assertThat(r.rate(25.5, 40)).isEqualTo(40);
        assertThat(r.rate(27, 40)).as("after the last phase").isZero();
    }
}
