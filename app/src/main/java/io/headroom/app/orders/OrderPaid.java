package io.headroom.app.orders;

import io.headroom.app.tenants.TenantId;
import java.time.Instant;
import java.util.List;

/** An order was paid. Published inside the transaction that records it; listeners' writes commit with it. */
public record OrderPaid(TenantId tenant, long orderId, String email, long totalCents, String currency,
                        List<Order.Line> lines, Instant paidAt) {
}
