package io.headroom.app.payments;

import io.headroom.app.tenants.TenantId;

/** The provider declined the card for good. Published inside the transaction that records it. */
public record PaymentDeclined(TenantId tenant, long orderId, String code) {
}
