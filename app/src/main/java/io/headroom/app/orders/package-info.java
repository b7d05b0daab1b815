/**
 * Checkout with idempotency keys: reserves stock, records the order and enqueues its payment in one transaction. Owns the {@code orders} schema.
 */
@ApplicationModule(displayName = "Orders")
package io.headroom.app.orders;

import org.springframework.modulith.ApplicationModule;
