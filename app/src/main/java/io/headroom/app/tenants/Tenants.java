package io.headroom.app.tenants;

import io.headroom.app.tenants.internal.ApiKeys;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Creates tenants and authenticates their API keys. Keys are stored only as SHA-256 hashes. */
@Service
public class Tenants {

    /** A new tenant and its API key, which is shown this once and never stored in the clear. */
    public record Created(TenantId id, String name, Plan plan, String apiKey, Instant createdAt) {
    }

    /** A tenant as the API shows it. */
    public record Tenant(TenantId id, String name, Plan plan) {
    }

    public static final String AUTHENTICATE = """
            SELECT t.id, t.name, t.plan FROM tenants.api_key k JOIN tenants.tenant t ON t.id = k.tenant_id
            WHERE k.key_hash = ?""";

    private final JdbcClient jdbc;
    private final Clock clock;

    Tenants(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Transactional
    public Created create(String name, Plan plan) {
        TenantId id = new TenantId(UUID.randomUUID());
        Instant now = clock.instant();
        String key = ApiKeys.generate();
        jdbc.sql("INSERT INTO tenants.tenant (id, name, plan, created_at) VALUES (?, ?, ?, ?)")
                .params(id.value(), name, plan.name(), Timestamp.from(now)).update();
        jdbc.sql("INSERT INTO tenants.api_key (key_hash, tenant_id, created_at) VALUES (?, ?, ?)")
                .params(ApiKeys.hash(key), id.value(), Timestamp.from(now)).update();
        return new Created(id, name, plan, key, now);
    }

    /** The tenant a presented API key belongs to, or empty for an unknown key. */
    public Optional<Tenant> authenticate(String apiKey) {
        if (!ApiKeys.wellFormed(apiKey)) {
            return Optional.empty();
        }
        return jdbc.sql(AUTHENTICATE)
                .param(ApiKeys.hash(apiKey))
                .query((rs, n) -> new Tenant(new TenantId(rs.getObject(1, UUID.class)), rs.getString(2), Plan.valueOf(rs.getString(3))))
                .optional();
    }
}
