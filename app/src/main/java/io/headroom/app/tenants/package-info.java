/**
 * Tenants and their API keys: who is calling, and the tenant every request and job acts for
 * ({@link io.headroom.app.tenants.CurrentTenant}). Owns the {@code tenants} schema.
 */
@ApplicationModule(displayName = "Tenants")
package io.headroom.app.tenants;

import org.springframework.modulith.ApplicationModule;
