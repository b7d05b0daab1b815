package io.headroom.app.payments;

import io.headroom.app.tenants.TenantId;

/**
 * The charge could not be completed within its attempts (the provider kept failing): the job is in the dead-letter
 * queue until an operator replays it. Published inside the transaction that records it.
 */
public record PaymentStuck(TenantId tenant, long orderId, String lastError) {
}
