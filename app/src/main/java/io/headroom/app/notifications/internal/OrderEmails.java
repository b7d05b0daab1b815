package io.headroom.app.notifications.internal;

import io.headroom.app.notifications.Notifications;
import io.headroom.app.ops.ProviderClient;
import io.headroom.app.ops.TransactionalJobs;
import io.headroom.app.orders.OrderPaid;
import io.headroom.app.orders.OrderPaymentFailed;
import io.headroom.app.tenants.CurrentTenant;
import io.headroom.app.tenants.TenantId;
import io.headroom.jobs.Job;
import io.headroom.jobs.JobContext;
import io.headroom.jobs.JobHandler;
import io.headroom.jobs.JobRegistration;
import io.headroom.jobs.NewJob;
import io.headroom.jobs.PermanentJobFailure;
import io.headroom.jobs.PostponeJob;
import java.net.URI;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One email per order and template. When an order is paid or its payment fails, a row (unique per order and
 * template) and a send job are written in the transaction that moved the order; the job sends through the email
 * provider with {@code <order>-<template>} as the idempotency key, so a redelivered job does not send twice.
 */
@Configuration(proxyBeanMethods = false)
class OrderEmails implements JobHandler {

    static final String PAID = "order-paid";
    static final String FAILED = "payment-failed";

    private final JdbcClient jdbc;
    private final TransactionalJobs jobs;
    private final ProviderClient provider;
    private final URI messages;
    private final TransactionTemplate tx;
    private final JsonMapper json;
    private final Clock clock;

    OrderEmails(JdbcClient jdbc, TransactionalJobs jobs, ProviderClient provider,
                @Value("${headroom.providers.email-url:http://127.0.0.1:8090}") URI base, TransactionTemplate tx, JsonMapper json, Clock clock) {
        this.jdbc = jdbc;
        this.jobs = jobs;
        this.provider = provider;
        this.messages = base.resolve("/messages");
        this.tx = tx;
        this.json = json;
        this.clock = clock;
    }

    @Bean
    JobRegistration sendRegistration() {
        return new JobRegistration(Notifications.QUEUE, Notifications.SEND, this);
    }

    @EventListener
    @Transactional(propagation = Propagation.MANDATORY)
    void on(OrderPaid e) {
        schedule(e.tenant(), e.orderId(), PAID, e.email());
    }

    @EventListener
    @Transactional(propagation = Propagation.MANDATORY)
    void on(OrderPaymentFailed e) {
        schedule(e.tenant(), e.orderId(), FAILED, e.email());
    }

    private void schedule(TenantId tenant, long orderId, String template, String to) {
        int created = jdbc.sql("""
                        INSERT INTO notifications.email (order_id, template, tenant_id, to_address, status, created_at)
                        VALUES (?, ?, ?, ?, 'PENDING', ?) ON CONFLICT DO NOTHING""")
                .params(orderId, template, tenant.value(), to, Timestamp.from(clock.instant())).update();
        if (created == 1) {
            String payload = json.writeValueAsString(Map.of("orderId", orderId, "template", template, "to", to));
            jobs.enqueue(NewJob.builder(Notifications.QUEUE, tenant.toString(), Notifications.SEND).payload(payload)
                    .dedupKey(orderId + "-" + template).build());
        }
    }

    @Override
    public void handle(Job job, JobContext context) throws Exception {
        JsonNode p = json.readTree(job.payload());
        long orderId = p.get("orderId").asLong();
        String template = p.get("template").asString();
        String body = json.writeValueAsString(Map.of("to", p.get("to").asString(), "template", template, "reference", "order-" + orderId));
        ProviderClient.Response response;
        try {
            response = provider.post(ProviderClient.EMAIL, messages, orderId + "-" + template, body, context.deadline(), job.attempt() > 1);
        } catch (ProviderClient.NotCalled e) {
            // Nothing was sent: waiting for the breaker must not use up the job's attempts (see PostponeJob).
            throw new PostponeJob(e.retryIn(), "sending " + template + " for order " + orderId + " postponed: " + e.getMessage());
        } catch (ProviderClient.Unavailable e) {
            throw new IllegalStateException("sending " + template + " for order " + orderId + " failed: " + e.getMessage(), e);
        }
        if (response.transientFailure()) {
            throw new IllegalStateException("sending " + template + " for order " + orderId + ": the email provider answered " + response.status());
        }
        if (!response.ok()) {
            throw new PermanentJobFailure("the email provider refused " + template + " for order " + orderId + " with "
                    + response.status() + ": " + response.body());
        }
        String messageId = json.readTree(response.body()).path("id").asString();
        CurrentTenant.run(TenantId.of(job.tenant()), () -> tx.executeWithoutResult(s -> jdbc.sql("""
                        UPDATE notifications.email SET status = 'SENT', message_id = ?, sent_at = ?
                        WHERE tenant_id = ? AND order_id = ? AND template = ? AND status = 'PENDING'""")
                .params(messageId, Timestamp.from(clock.instant()), TenantId.of(job.tenant()).value(), orderId, template).update()));
    }
}
