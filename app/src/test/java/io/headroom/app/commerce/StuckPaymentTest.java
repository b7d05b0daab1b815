package io.headroom.app.commerce;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.app.AppTest;
import io.headroom.jobs.JobQueue;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A payment job whose worker died on its last attempt is dead-lettered by the lease reaper, where no handler code
 * runs; the order still shows PAYMENT_STUCK (from the queue's dead-letter event). Workers are off in this class
 * so that the test plays the worker that claimed the job and died.
 */
@AppTest
@TestPropertySource(properties = "headroom.jobs.workers-enabled=false")
class StuckPaymentTest extends CommerceTestSupport {

    @Autowired
    JobQueue queue;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aChargeJobBuriedByTheReaperLeavesTheOrderStuck() throws Exception {
        Tenant shop = tenant("Crashing Shop");
        long product = product(shop, "vase", 3000, 4);
        long id = placeOrder(shop, order(product, 1, "4242424242424242")).json().get("id").asLong();

        // What a claim on the last attempt does, by a worker that then stopped renewing its lease.
        int claimed = jdbc.sql("""
                UPDATE jobs.job SET state = 'running', attempts = max_attempts, lease_owner = 'worker-that-died',
                       lease_expires_at = now() - interval '1 second'
                WHERE kind = 'payments.charge' AND tenant = ?""").param(shop.id()).update();
        assertThat(claimed).isEqualTo(1);

        assertThat(queue.reapExpiredLeases()).isEqualTo(1);

        JsonNode stuck = awaitOrder(shop, id, status("PAYMENT_STUCK"));
        assertThat(stuck.get("failure").asString()).startsWith("lease expired on the last attempt");
        assertThat(queue.deadJobs("payments", 10)).singleElement().satisfies(d -> assertThat(d.tenant()).isEqualTo(shop.id()));
    }
}
