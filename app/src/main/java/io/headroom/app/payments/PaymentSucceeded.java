package io.headroom.app.payments;

import io.headroom.app.tenants.TenantId;

/** The provider charged the order. Published inside the transaction that records it. */
public record PaymentSucceeded(TenantId tenant, long orderId, String chargeId) {
}
