/**
 * Sales reports computed by jobs, never inside a request. Owns the {@code reporting} schema.
 */
@ApplicationModule(displayName = "Reporting")
package io.headroom.app.reporting;

import org.springframework.modulith.ApplicationModule;
