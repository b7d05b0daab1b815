/**
 * Tenants and their API keys (stored only as hashes). Owns the {@code tenants} schema.
 */
@ApplicationModule(displayName = "Tenants")
package io.headroom.app.tenants;

import org.springframework.modulith.ApplicationModule;
