package io.headroom.app.tenants;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * The tenant the current thread acts for: bound by the API-key filter for a request, and by job handlers for a
 * job. Every transaction opened while a tenant is bound runs with row-level security for that tenant (see the
 * ops module's transaction manager), so even a query that forgets its tenant filter sees only that tenant's rows.
 */
public final class CurrentTenant {

    private static final ThreadLocal<TenantId> BOUND = new ThreadLocal<>();

    private CurrentTenant() {
    }

    public static Optional<TenantId> get() {
        return Optional.ofNullable(BOUND.get());
    }

    /** The bound tenant; an {@link IllegalStateException} if none is (a bug: tenant work outside a tenant scope). */
    public static TenantId require() {
        TenantId t = BOUND.get();
        if (t == null) {
            throw new IllegalStateException("no tenant is bound to this thread");
        }
        return t;
    }

    /** Runs {@code work} as {@code tenant}, restoring what was bound before. */
    public static <T> T call(TenantId tenant, Supplier<T> work) {
        TenantId before = BOUND.get();
        BOUND.set(tenant);
        try {
            return work.get();
        } finally {
            if (before == null) {
                BOUND.remove();
            } else {
                BOUND.set(before);
            }
        }
    }

    public static void run(TenantId tenant, Runnable work) {
        call(tenant, () -> {
            work.run();
            return null;
        });
    }
}
