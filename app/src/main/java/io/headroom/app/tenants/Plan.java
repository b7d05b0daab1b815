package io.headroom.app.tenants;

/** What a tenant pays for; admission control sets per-plan quotas. */
public enum Plan {
    free, standard, premium
}
