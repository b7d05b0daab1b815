package io.headroom.app.orders;

import io.headroom.app.tenants.TenantId;

/** An order's payment was declined and its stock released. Published inside the transaction that records it. */
public record OrderPaymentFailed(TenantId tenant, long orderId, String email, String reason) {
}
