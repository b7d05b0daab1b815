package io.headroom.app.ops.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.testing.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Tenant labels of the admission metrics: the busiest tenants of the last window are named, the rest are "other". */
class TopTenantLabelsTest {

    private final MutableClock clock = new MutableClock();
    private final TopTenantLabels labels = new TopTenantLabels(2, Duration.ofMinutes(1), clock);

    @Test
    void untilTheSetIsFullEveryNewTenantIsNamed() {
        assertThat(labels.label("a")).isEqualTo("a");
        assertThat(labels.label("b")).isEqualTo("b");
        assertThat(labels.label("c")).isEqualTo("other");
        assertThat(labels.label("a")).isEqualTo("a");
    }

    @Test
    void aTenantThatBurstsIsNamedFromTheNextWindowAndAQuietOneBecomesOther() {
        labels.label("a");
        labels.label("b");
        for (int i = 0; i < 50; i++) {
            assertThat(labels.label("noisy")).as("not named within the window it bursts in").isEqualTo("other");
            labels.label("a");
        }
        clock.advance(Duration.ofMinutes(1));

        assertThat(labels.label("noisy")).isEqualTo("noisy");
        assertThat(labels.label("a")).isEqualTo("a");
        assertThat(labels.label("b")).as("one request in the last window: not among the top 2").isEqualTo("other");
        assertThat(labels.named()).containsExactlyInAnyOrder("noisy", "a");
    }

    @Test
    void aWindowWithoutTrafficLeavesRoomForNewcomers() {
        labels.label("a");
        labels.label("b");
        clock.advance(Duration.ofMinutes(1));
        labels.label("a");
        clock.advance(Duration.ofMinutes(1));

        assertThat(labels.label("c")).as("only 'a' was busy in the last window, so one slot is free").isEqualTo("c");
        assertThat(labels.label("b")).isEqualTo("other");
        assertThat(labels.named()).hasSize(2);
    }
}
