package io.headroom.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.testing.FreshDatabase;
import io.headroom.testing.TestDatabase;
import java.sql.Connection;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

@FreshDatabase
class IdempotentEffectsTest {

    final IdempotentEffects effects = new IdempotentEffects(Clock.systemUTC());

    @Test
    void effectsCommitOnceAndARolledBackAttemptLeavesNoRecord(TestDatabase db) throws Exception {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            assertThat(effects.firstTime(c, "mark-paid", "payments:job:1")).isTrue();
            c.rollback();
            assertThat(effects.firstTime(c, "mark-paid", "payments:job:1")).as("rolled back, so still the first time").isTrue();
            c.commit();
            assertThat(effects.firstTime(c, "mark-paid", "payments:job:1")).isFalse();
            assertThat(effects.firstTime(c, "send-email", "payments:job:1")).as("another handler").isTrue();
            c.commit();
        }
    }

    @Test
    void concurrentDeliveriesApplyTheEffectsExactlyOnce(TestDatabase db) throws Exception {
        List<Callable<Boolean>> deliveries = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            deliveries.add(() -> {
                try (Connection c = db.connect()) {
                    c.setAutoCommit(false);
                    boolean first = effects.firstTime(c, "ship", "orders:job:42");
                    c.commit();
                    return first;
                }
            });
        }
        int firsts = 0;
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (Future<Boolean> f : pool.invokeAll(deliveries)) {
                firsts += f.get() ? 1 : 0;
            }
        }
        assertThat(firsts).isEqualTo(1);
    }

    @Test
    void autocommitIsRefusedBecauseTheEffectsWouldNotShareTheTransaction(TestDatabase db) throws Exception {
        try (Connection c = db.connect()) {
            assertThatThrownBy(() -> effects.firstTime(c, "h", "k")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("autocommit");
        }
    }
}
