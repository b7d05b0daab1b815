package io.headroom.app.ops.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.headroom.testing.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Burn rates, budget and the multi-window alerts, on an injected clock. */
class SloTrackerTest {

    final MutableClock clock = new MutableClock();
    final SloTracker slo = new SloTracker("checkout-availability", 0.999, Duration.ofDays(28), clock);

    /** Records {@code perMinute} events a minute for {@code minutes} minutes, {@code badShare} of them bad. */
    void traffic(int minutes, int perMinute, double badShare) {
        for (int m = 0; m < minutes; m++) {
            int bad = (int) Math.round(perMinute * badShare);
            for (int i = 0; i < perMinute; i++) {
                slo.record(i >= bad);
            }
            clock.advance(Duration.ofMinutes(1));
        }
    }

    @Test
    void allGoodBurnsNothing() {
        traffic(60, 100, 0);
        SloTracker.Status s = slo.status();
        assertThat(s.burn1h()).isZero();
        assertThat(s.budgetRemaining()).isEqualTo(1.0);
        assertThat(s.page()).isFalse();
        assertThat(s.ticket()).isFalse();
    }

    @Test
    void aFastBurnOverTheLastHourAndFiveMinutesPages() {
        traffic(55, 1000, 0);
        traffic(5, 1000, 0.2); // 20% bad for 5 minutes: 200x the allowed 0.1%
        SloTracker.Status s = slo.status();
        assertThat(s.burn5m()).isCloseTo(0.2 / 0.001, within(1.0));
        assertThat(s.burn1h()).isGreaterThan(14.4);
        assertThat(s.page()).isTrue();

        traffic(10, 1000, 0); // it stopped: the 5-minute window clears first, so the page resets
        assertThat(slo.status().burn1h()).isGreaterThan(14.4);
        assertThat(slo.status().page()).as("the short window guards against paging for a burn that is over").isFalse();
    }

    @Test
    void aSlowBurnOverSixHoursAndHalfAnHourTickets() {
        traffic(360, 100, 0.01); // 1% bad: 10x the allowed rate, for six hours
        SloTracker.Status s = slo.status();
        assertThat(s.burn6h()).isCloseTo(10, within(0.5));
        assertThat(s.ticket()).isTrue();
        assertThat(s.page()).as("10x is below the page threshold").isFalse();
        assertThat(s.budgetRemaining()).as("1% bad of everything seen where 0.1% is allowed: the budget is spent ten times over")
                .isCloseTo(-9, within(0.01));
    }

    @Test
    void eventsAgeOutOfTheWindow() {
        SloTracker week = new SloTracker("x", 0.99, Duration.ofDays(7), clock);
        for (int i = 0; i < 100; i++) {
            week.record(false);
        }
        assertThat(week.status().budgetRemaining()).isNegative();
        clock.advance(Duration.ofDays(8));
        week.record(true);
        assertThat(week.status().total()).isEqualTo(1);
        assertThat(week.status().budgetRemaining()).isEqualTo(1.0);
    }
}
