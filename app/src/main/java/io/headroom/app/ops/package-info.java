/**
 * How the app finds and migrates its database, and (later) what operators see: health, metrics, dead letters.
 */
@ApplicationModule(displayName = "Operations")
package io.headroom.app.ops;

import org.springframework.modulith.ApplicationModule;
