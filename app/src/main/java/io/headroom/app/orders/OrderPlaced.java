package io.headroom.app.orders;

import io.headroom.app.tenants.TenantId;

/** An order was accepted and its payment requested. Published inside the order's transaction. */
public record OrderPlaced(TenantId tenant, long orderId, long totalCents) {
}
