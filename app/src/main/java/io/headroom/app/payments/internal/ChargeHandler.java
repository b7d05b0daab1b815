package io.headroom.app.payments.internal;

import io.headroom.app.ops.JobDeadLettered;
import io.headroom.app.ops.ProviderClient;
import io.headroom.app.payments.PaymentDeclined;
import io.headroom.app.payments.PaymentStuck;
import io.headroom.app.payments.PaymentSucceeded;
import io.headroom.app.payments.Payments;
import io.headroom.app.tenants.CurrentTenant;
import io.headroom.app.tenants.TenantId;
import io.headroom.app.web.ApiProblem;
import io.headroom.jobs.Job;
import io.headroom.jobs.JobContext;
import io.headroom.jobs.JobHandler;
import io.headroom.jobs.JobRegistration;
import io.headroom.jobs.PermanentJobFailure;
import io.headroom.jobs.PostponeJob;
import java.net.URI;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs {@value Payments#CHARGE}: charges the provider with the order id as its idempotency key, so however often
 * the job runs (retries, redelivery after a crash) the card is charged at most once; then records the outcome
 * with a status transition that only moves forward and publishes it in the same transaction.
 */
@Configuration(proxyBeanMethods = false)
public class ChargeHandler implements JobHandler {

    private static final Logger log = LoggerFactory.getLogger(ChargeHandler.class);

    private final ProviderClient provider;
    private final URI charges;
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final ApplicationEventPublisher events;
    private final JsonMapper json;
    private final Clock clock;

    ChargeHandler(ProviderClient provider, @Value("${headroom.providers.payments-url:http://127.0.0.1:8090}") URI base,
                  JdbcClient jdbc, TransactionTemplate tx, ApplicationEventPublisher events, JsonMapper json, Clock clock) {
        this.provider = provider;
        this.charges = base.resolve("/charges");
        this.jdbc = jdbc;
        this.tx = tx;
        this.events = events;
        this.json = json;
        this.clock = clock;
    }

    @Bean
    JobRegistration chargeRegistration() {
        return new JobRegistration(Payments.QUEUE, Payments.CHARGE, this);
    }

    /**
     * Naive mode: charges inside the order's own transaction and request, holding its connection and row locks
     * while the provider answers. The outcome is recorded and published in that transaction; a provider that does
     * not answer fails the whole request (502).
     */
    public void chargeInline(TenantId tenant, long orderId, long amountCents, String currency, String card) throws InterruptedException {
        String body = json.writeValueAsString(Map.of("amountCents", amountCents, "currency", currency, "card", card,
                "reference", "order-" + orderId));
        ProviderClient.Response response;
        try {
            response = provider.post(ProviderClient.PAYMENTS, charges, "order-" + orderId, body, clock.instant().plusSeconds(300), false);
        } catch (ProviderClient.Unavailable e) {
            throw paymentFailed(orderId, e.getMessage());
        }
        if (!recordAnswer(tenant, orderId, response)) {
            throw paymentFailed(orderId, "the payment provider answered " + response.status());
        }
    }

    /** Records a charge or a decline; false for any other answer. */
    private boolean recordAnswer(TenantId tenant, long orderId, ProviderClient.Response response) {
        if (response.ok()) {
            String chargeId = json.readTree(response.body()).path("id").asString();
            record(tenant, orderId, "SUCCEEDED", chargeId, null, new PaymentSucceeded(tenant, orderId, chargeId));
            return true;
        }
        if (response.status() == 402) {
            String code = json.readTree(response.body()).path("code").asString("declined");
            record(tenant, orderId, "DECLINED", null, code, new PaymentDeclined(tenant, orderId, code));
            return true;
        }
        return false;
    }

    private static ApiProblem paymentFailed(long orderId, String why) {
        return new ApiProblem(HttpStatus.BAD_GATEWAY, "payment-provider-failed", "Payment provider failed",
                "order " + orderId + " could not be charged: " + why, Map.of());
    }

    @Override
    public void handle(Job job, JobContext context) throws Exception {
        JsonNode p = json.readTree(job.payload());
        long orderId = p.get("orderId").asLong();
        TenantId tenant = TenantId.of(job.tenant());
        String body = json.writeValueAsString(Map.of("amountCents", p.get("amountCents").asLong(),
                "currency", p.get("currency").asString(), "card", p.get("card").asString(), "reference", "order-" + orderId));
        ProviderClient.Response response;
        try {
            response = provider.post(ProviderClient.PAYMENTS, charges, "order-" + orderId, body, context.deadline(), job.attempt() > 1);
        } catch (ProviderClient.NotCalled e) {
            // Nothing was sent: waiting for the breaker must not use up the job's attempts (see PostponeJob).
            throw new PostponeJob(e.retryIn(), "charging order " + orderId + " postponed: " + e.getMessage());
        } catch (ProviderClient.Unavailable e) {
            throw stuckIfLast(job, tenant, orderId, e.getMessage(), e);
        }
        if (recordAnswer(tenant, orderId, response)) {
            return;
        }
        if (response.transientFailure()) {
            throw stuckIfLast(job, tenant, orderId, "the payment provider answered " + response.status(), null);
        } else {
            // A 4xx other than a decline means our request is wrong: retrying cannot help.
            String error = "the payment provider refused the request with " + response.status() + ": " + response.body();
            markStuck(tenant, orderId, error);
            throw new PermanentJobFailure(error);
        }
    }

    private Exception stuckIfLast(Job job, TenantId tenant, long orderId, String error, Exception cause) {
        if (job.lastAttempt()) {
            markStuck(tenant, orderId, error);
        }
        return new IllegalStateException("charging order " + orderId + " failed (attempt " + job.attempt() + "): " + error, cause);
    }

    /**
     * However a charge job ends up dead-lettered (also when its worker died on the last attempt, where no handler
     * code ran), the order shows its payment as stuck until the job is replayed.
     */
    @EventListener
    void on(JobDeadLettered dead) {
        if (dead.job().kind().equals(Payments.CHARGE)) {
            long orderId = json.readTree(dead.job().payload()).get("orderId").asLong();
            markStuck(TenantId.of(dead.job().tenant()), orderId, dead.reason());
        }
    }

    private void markStuck(TenantId tenant, long orderId, String error) {
        if (record(tenant, orderId, "STUCK", null, error, new PaymentStuck(tenant, orderId, error))) {
            log.warn("payment of order {} (tenant {}) is stuck until its job is replayed: {}", orderId, tenant, error);
        }
    }

    /** Moves the charge to {@code status} if it may still move there, and publishes {@code event} if it did. */
    private boolean record(TenantId tenant, long orderId, String status, String chargeId, String failure, Object event) {
        return CurrentTenant.call(tenant, () -> tx.execute(s -> {
            int moved = jdbc.sql("""
                            UPDATE payments.charge SET status = ?, charge_id = coalesce(?, charge_id), failure = ?, updated_at = ?
                            WHERE tenant_id = ? AND order_id = ? AND status IN ('REQUESTED', 'STUCK') AND status <> ?""")
                    .params(status, chargeId, failure, Timestamp.from(clock.instant()), tenant.value(), orderId, status).update();
            if (moved == 1) {
                events.publishEvent(event);
            }
            return moved == 1;
        }));
    }
}
