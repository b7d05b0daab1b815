package io.headroom.app.tenants;

import java.util.Objects;
import java.util.UUID;

/** A tenant's id. Every tenant-owned row carries it, and row-level security filters on it. */
public record TenantId(UUID value) {

    public TenantId {
        Objects.requireNonNull(value, "value");
    }

    public static TenantId of(String text) {
        return new TenantId(UUID.fromString(text));
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
