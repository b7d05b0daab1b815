package io.headroom.app.payments;

import io.headroom.app.ops.TransactionalJobs;
import io.headroom.app.payments.internal.ChargeHandler;
import io.headroom.app.tenants.CurrentTenant;
import io.headroom.jobs.NewJob;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Asks for an order to be charged. The charge itself runs later in a job (queue {@value #QUEUE}), which calls
 * the payment provider with the order id as its idempotency key and publishes {@link PaymentSucceeded},
 * {@link PaymentDeclined} or {@link PaymentStuck}.
 */
@Service
public class Payments {

    public static final String QUEUE = "payments";
    public static final String CHARGE = "payments.charge";

    private final JdbcClient jdbc;
    private final TransactionalJobs jobs;
    private final JsonMapper json;
    private final Clock clock;
    private final ChargeHandler charger;
    private final boolean inline;

    Payments(JdbcClient jdbc, TransactionalJobs jobs, JsonMapper json, Clock clock, ChargeHandler charger,
             @Value("${headroom.payments.inline:false}") boolean inline) {
        this.jdbc = jdbc;
        this.jobs = jobs;
        this.json = json;
        this.clock = clock;
        this.charger = charger;
        this.inline = inline;
    }

    /** Whether charges happen inside the order's request (naive mode) instead of in a job. */
    public boolean inline() {
        return inline;
    }

    /**
     * Records the charge to make and enqueues its job, in the caller's transaction; in naive mode charges the
     * provider right here instead, inside that transaction.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void requestCharge(long orderId, long amountCents, String currency, String card) throws InterruptedException {
        var tenant = CurrentTenant.require();
        Timestamp now = Timestamp.from(clock.instant());
        jdbc.sql("""
                        INSERT INTO payments.charge (order_id, tenant_id, amount_cents, currency, card_last4, status, created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, 'REQUESTED', ?, ?)""")
                .params(orderId, tenant.value(), amountCents, currency, card.substring(card.length() - 4), now, now).update();
        if (inline) {
            charger.chargeInline(tenant, orderId, amountCents, currency, card);
            return;
        }
        String payload = json.writeValueAsString(Map.of("orderId", orderId, "amountCents", amountCents, "currency", currency, "card", card));
        jobs.enqueue(NewJob.builder(QUEUE, tenant.toString(), CHARGE).payload(payload).dedupKey("order-" + orderId).build());
    }
}
