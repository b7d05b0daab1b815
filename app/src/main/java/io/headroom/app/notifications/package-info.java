/**
 * Sends exactly one email per order and template through the email provider. Owns the {@code notifications} schema.
 */
@ApplicationModule(displayName = "Notifications")
package io.headroom.app.notifications;

import org.springframework.modulith.ApplicationModule;
