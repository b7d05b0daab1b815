/**
 * Products and inventory; reserves and releases stock for orders. Owns the {@code catalog} schema.
 */
@ApplicationModule(displayName = "Catalog")
package io.headroom.app.catalog;

import org.springframework.modulith.ApplicationModule;
