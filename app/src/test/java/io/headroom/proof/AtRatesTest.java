package io.headroom.proof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.lab.scenario.Scenario;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scenario the naive system is offered: the hardened run's rates, no capacity steps, faults moved with them. */
class AtRatesTest {

    @TempDir
    Path dir;

    @Test
    void theBrownoutLosesItsStepsItsPhasesGetTheHardenedRatesAndTheOutageComesAsMuchEarlier() throws Exception {
        Scenario original = Scenario.load(BrownoutProofIT.BROWNOUT);
        Scenario atRates = Scenario.load(ProofSystem.atRatesOf(BrownoutProofIT.BROWNOUT, 300, dir));

        assertThat(atRates.phases()).extracting(Scenario.Phase::name).containsExactly("warm-up", "baseline", "outage", "after");
        assertThat(atRates.phases()).filteredOn(p -> !p.name().equals("warm-up")).allSatisfy(p -> {
            assertThat(p.rate()).isEqualTo(210.0); // 0.7 x 300
            assertThat(p.capacityFactor()).isNull();
        });
        // brownout.yaml's steps are 5 rates of 4 s each.
        assertThat(atRates.faults().getFirst().at()).isEqualTo(original.faults().getFirst().at() - 20);
        // The outage still covers exactly the outage phase.
        double outageStart = atRates.phases().get(0).seconds() + atRates.phases().get(1).seconds();
        assertThat(atRates.faults().getFirst().at()).isEqualTo(outageStart);
        assertThat(atRates.faults().getFirst().seconds()).isEqualTo(atRates.phases().get(2).seconds());
    }

    @Test
    void theOverloadsFactorsBecomeRatesAndItsFixedCheckoutStreamStays() throws Exception {
        Scenario atRates = Scenario.load(ProofSystem.atRatesOf(OverloadProofIT.SCENARIO, 1000, dir));

        assertThat(atRates.phases()).extracting(Scenario.Phase::name).containsExactly("warm-up", "overload-2x", "overload-5x");
        assertThat(atRates.phases()).extracting(Scenario.Phase::rate).containsExactly(250.0, 2000.0, 5000.0);
        assertThat(atRates.phases()).allSatisfy(p -> assertThat(p.extra()).singleElement().satisfies(s -> {
            assertThat(s.label()).isEqualTo(OverloadProofIT.CHECKOUTS);
            assertThat(s.rate()).isEqualTo(20.0);
        }));
    }

    @Test
    void aStreamGivenAsAFactorOfCapacityGetsItsRateToo() throws Exception {
        Path scenario = write("""
                phases:
                  - {name: steps, type: steps, steps: [10, 20], stepSeconds: 5}
                  - {name: load, type: steady, rate: 10, seconds: 10, extra: [{label: noisy, operation: browse, capacityFactor: 0.5}]}
                """);
        String written = Files.readString(ProofSystem.atRatesOf(scenario, 300, dir));

        assertThat(written).contains("rate: 150").doesNotContain("capacityFactor");
    }

    @Test
    void aFaultInsideTheStepsIsRefusedRatherThanMovedSomewhereMeaningless() throws Exception {
        Path scenario = write("""
                phases:
                  - {name: warm-up, type: steady, rate: 10, seconds: 8}
                  - {name: steps, type: steps, steps: [10, 20], stepSeconds: 5}
                  - {name: load, type: steady, capacityFactor: 0.7, seconds: 10}
                faults:
                  - {name: mid-steps, at: 12, seconds: 5, provider: payments, set: {errorRate: 1.0}}
                """);

        assertThatThrownBy(() -> ProofSystem.atRatesOf(scenario, 300, dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fault mid-steps at 12 s falls in capacity steps (8-18 s), which the naive run leaves out");
    }

    private Path write(String phasesAndFaults) throws Exception {
        Path file = dir.resolve("scenario.yaml");
        Files.writeString(file, """
                name: synthetic
                description: a test scenario
                operations:
                  - {name: browse, weight: 1, method: GET, path: "/v1/products"}
                """ + phasesAndFaults);
        return file;
    }
}
