package io.headroom.app.orders.internal;

import io.headroom.app.catalog.Catalog;
import io.headroom.app.catalog.Reserved;
import io.headroom.app.catalog.StockLine;
import io.headroom.app.orders.Order;
import io.headroom.app.orders.OrderPlaced;
import io.headroom.app.orders.OrderStatus;
import io.headroom.app.orders.Orders;
import io.headroom.app.payments.Payments;
import io.headroom.app.tenants.CurrentTenant;
import io.headroom.app.tenants.TenantId;
import io.headroom.app.web.ApiProblem;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Places an order: claims the Idempotency-Key, then in <b>one</b> transaction reserves the stock (catalog),
 * writes the order as {@code PENDING_PAYMENT}, requests its charge (payments: a job) and stores the response for
 * replay. The provider is not called here; the client gets 201 as soon as that transaction commits.
 */
@Service
class Checkout {

    static final String CURRENCY = "EUR";

    private final IdempotencyKeys keys;
    private final Orders orders;
    private final Catalog catalog;
    private final Payments payments;
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final ApplicationEventPublisher events;
    private final JsonMapper json;
    private final Clock clock;

    Checkout(IdempotencyKeys keys, Orders orders, Catalog catalog, Payments payments, JdbcClient jdbc, TransactionTemplate tx,
             ApplicationEventPublisher events, JsonMapper json, Clock clock) {
        this.keys = keys;
        this.orders = orders;
        this.catalog = catalog;
        this.payments = payments;
        this.jdbc = jdbc;
        this.tx = tx;
        this.events = events;
        this.json = json;
        this.clock = clock;
    }

    /** The outcome to send: a response, and whether it is a replay of an earlier one. */
    record Result(IdempotencyKeys.Stored response, boolean replayed) {
    }

    Result place(String key, OrdersController.PlaceOrder request) {
        TenantId tenant = CurrentTenant.require();
        IdempotencyKeys.Stored earlier = keys.claim(tenant, key, fingerprint(request));
        if (earlier != null) {
            return new Result(earlier, true);
        }
        try {
            return new Result(tx.execute(s -> {
                Order order = create(tenant, request);
                var response = new IdempotencyKeys.Stored(201, "/v1/orders/" + order.id(), json.writeValueAsString(order));
                keys.complete(tenant, key, response);
                return response;
            }), false);
        } catch (ApiProblem refusal) {
            if (!refusal.status().is4xxClientError()) {
                keys.release(tenant, key); // not a decision (naive mode's payment failure): the retry runs again
                throw refusal;
            }
            // A decided refusal (out of stock, unknown product): the same request gets the same answer.
            var response = new IdempotencyKeys.Stored(refusal.status().value(), null,
                    json.writeValueAsString(refusal.toProblemDetail()));
            keys.completeAlone(tenant, key, response);
            throw refusal;
        } catch (RuntimeException unexpected) {
            // Not decided (database trouble, a bug): free the key so that the client's retry runs again.
            keys.release(tenant, key);
            throw unexpected;
        }
    }

    private Order create(TenantId tenant, OrdersController.PlaceOrder request) {
        List<Reserved> reserved = catalog.reserve(request.lines().stream()
                .map(l -> new StockLine(l.productId(), l.quantity())).toList());
        long total = reserved.stream().mapToLong(r -> r.unitPriceCents() * r.quantity()).sum();
        Instant now = clock.instant();
        String last4 = request.card().substring(request.card().length() - 4);
        long id = jdbc.sql("""
                        INSERT INTO orders.orders (tenant_id, status, total_cents, currency, email, card_last4, created_at, updated_at)
                        VALUES (?, 'PENDING_PAYMENT', ?, ?, ?, ?, ?, ?) RETURNING id""")
                .params(tenant.value(), total, CURRENCY, request.email(), last4, Timestamp.from(now), Timestamp.from(now))
                .query(Long.class).single();
        int lineNo = 0;
        for (Reserved r : reserved) {
            jdbc.sql("""
                            INSERT INTO orders.order_line (order_id, line_no, tenant_id, product_id, sku, quantity, unit_price_cents)
                            VALUES (?, ?, ?, ?, ?, ?, ?)""")
                    .params(id, ++lineNo, tenant.value(), r.productId(), r.sku(), r.quantity(), r.unitPriceCents()).update();
        }
        try {
            payments.requestCharge(id, total, CURRENCY, request.card());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while charging order " + id, e);
        }
        events.publishEvent(new OrderPlaced(tenant, id, total));
        if (payments.inline()) {
            return orders.get(id).orElseThrow(); // charged already: answer with what the payment made of it
        }
        List<Order.Line> lines = reserved.stream().map(r -> new Order.Line(r.productId(), r.sku(), r.quantity(), r.unitPriceCents())).toList();
        return new Order(id, OrderStatus.PENDING_PAYMENT, total, CURRENCY, request.email(), last4, null, null, lines, now, now);
    }

    /** SHA-256 of the request as parsed and re-serialised: the same request gives the same fingerprint. */
    private byte[] fingerprint(OrdersController.PlaceOrder request) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(json.writeValueAsBytes(request));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
