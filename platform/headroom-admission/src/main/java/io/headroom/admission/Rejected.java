package io.headroom.admission;

import java.time.Duration;

/** A request admission control turned away before it did any work. */
public final class Rejected extends Exception {

    /** Why; the first two are the tenant's doing (always 429), the rest the system's state (429 or 503, the caller's choice). */
    public enum Reason {
        /** The tenant used up its rate quota (token bucket). */
        TENANT_QUOTA,
        /** The tenant already holds its share of the concurrency limit and its request waited in vain. */
        TENANT_BUSY,
        /** The system is at its limit: the class's queue is full, or the request waited as long as allowed. */
        OVERLOADED,
        /** The request's deadline passed before it could start. */
        DEADLINE
    }

    private final Reason reason;
    private final Duration retryAfter;
    private final Quota quota;

    public Rejected(Reason reason, String detail, Duration retryAfter, Quota quota) {
        super(detail, null, false, false);
        this.reason = reason;
        this.retryAfter = retryAfter;
        this.quota = quota;
    }

    public Reason reason() {
        return reason;
    }

    /** When to try again. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** The tenant's quota and what is left of it, for the RateLimit headers; null if the tenant has none. */
    public Quota quota() {
        return quota;
    }

    /** Whether this is the tenant's own limit (HTTP 429) rather than the system's state (429 or 503, as the caller chooses). */
    public boolean tenantLimited() {
        return reason == Reason.TENANT_QUOTA || reason == Reason.TENANT_BUSY;
    }
}
