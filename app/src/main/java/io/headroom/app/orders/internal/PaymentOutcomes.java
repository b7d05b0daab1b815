package io.headroom.app.orders.internal;

import io.headroom.app.catalog.Catalog;
import io.headroom.app.catalog.StockLine;
import io.headroom.app.orders.Order;
import io.headroom.app.orders.OrderPaid;
import io.headroom.app.orders.OrderPaymentFailed;
import io.headroom.app.orders.Orders;
import io.headroom.app.payments.PaymentDeclined;
import io.headroom.app.payments.PaymentStuck;
import io.headroom.app.payments.PaymentSucceeded;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Moves orders on when their payment reports, inside the transaction that records the payment: each move is
 * guarded by the states it may come from, so a repeated outcome changes nothing and publishes nothing.
 */
@Component
class PaymentOutcomes {

    private final JdbcClient jdbc;
    private final Orders orders;
    private final Catalog catalog;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    PaymentOutcomes(JdbcClient jdbc, Orders orders, Catalog catalog, ApplicationEventPublisher events, Clock clock) {
        this.jdbc = jdbc;
        this.orders = orders;
        this.catalog = catalog;
        this.events = events;
        this.clock = clock;
    }

    @EventListener
    @Transactional(propagation = Propagation.MANDATORY)
    void on(PaymentSucceeded e) {
        Instant now = clock.instant();
        if (move(e.tenant().value(), e.orderId(), "PAID", e.chargeId(), null, now, "'PENDING_PAYMENT', 'PAYMENT_STUCK'")) {
            Order o = orders.get(e.orderId()).orElseThrow();
            events.publishEvent(new OrderPaid(e.tenant(), o.id(), o.email(), o.totalCents(), o.currency(), o.lines(), now));
        }
    }

    @EventListener
    @Transactional(propagation = Propagation.MANDATORY)
    void on(PaymentDeclined e) {
        if (move(e.tenant().value(), e.orderId(), "PAYMENT_FAILED", null, e.code(), clock.instant(), "'PENDING_PAYMENT', 'PAYMENT_STUCK'")) {
            Order o = orders.get(e.orderId()).orElseThrow();
            catalog.release(o.lines().stream().map(l -> new StockLine(l.productId(), l.quantity())).toList());
            events.publishEvent(new OrderPaymentFailed(e.tenant(), o.id(), o.email(), e.code()));
        }
    }

    @EventListener
    @Transactional(propagation = Propagation.MANDATORY)
    void on(PaymentStuck e) {
        move(e.tenant().value(), e.orderId(), "PAYMENT_STUCK", null, e.lastError(), clock.instant(), "'PENDING_PAYMENT'");
    }

    private boolean move(java.util.UUID tenant, long orderId, String to, String chargeId, String failure, Instant now, String from) {
        return jdbc.sql("UPDATE orders.orders SET status = ?, charge_id = coalesce(?, charge_id), failure = ?, updated_at = ? "
                        + "WHERE tenant_id = ? AND id = ? AND status IN (" + from + ")")
                .params(to, chargeId, failure, Timestamp.from(now), tenant, orderId).update() == 1;
    }
}
