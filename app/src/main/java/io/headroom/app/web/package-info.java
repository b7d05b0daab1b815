/**
 * The HTTP conventions every module's API follows: RFC 9457 problem details with a stable type per error,
 * strict JSON, a body size limit, keyset cursors. Owns no schema.
 */
@ApplicationModule(displayName = "Web")
package io.headroom.app.web;

import org.springframework.modulith.ApplicationModule;
