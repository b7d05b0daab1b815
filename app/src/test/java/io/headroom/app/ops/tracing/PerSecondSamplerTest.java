package io.headroom.app.ops.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PerSecondSamplerTest {

    @Test
    void writesAtMostItsRateASecondAndTheNextLineWrittenSaysHowManyWereLeftOut() {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-03T10:00:00.100Z"));
        PerSecondSampler sampler = new PerSecondSampler(3, clock);

        List<Long> first = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            first.add(sampler.sample());
        }
        assertThat(first).containsExactly(0L, 0L, 0L, -1L, -1L, -1L, -1L, -1L, -1L, -1L);

        clock.advance(Duration.ofMillis(800)); // still the same second
        assertThat(sampler.sample()).isEqualTo(PerSecondSampler.LEAVE_OUT);

        clock.advance(Duration.ofMillis(100)); // 10:00:01.000, a new second
        assertThat(sampler.sample()).as("the first line of the new second counts the 8 left out").isEqualTo(8);
        assertThat(sampler.sample()).isZero();
    }

    @Test
    void aRateOfZeroLeavesOutEveryLineAndANegativeOneIsRefused() {
        PerSecondSampler none = new PerSecondSampler(0, new MutableClock(Instant.EPOCH));
        assertThat(none.sample()).isEqualTo(PerSecondSampler.LEAVE_OUT);
        assertThatThrownBy(() -> new PerSecondSampler(-1, new MutableClock(Instant.EPOCH)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("perSecond");
    }
}
