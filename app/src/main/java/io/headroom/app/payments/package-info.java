/**
 * Charges orders through the external payment provider from a job, with the order id as the provider's idempotency key. Owns the {@code payments} schema.
 */
@ApplicationModule(displayName = "Payments")
package io.headroom.app.payments;

import org.springframework.modulith.ApplicationModule;
