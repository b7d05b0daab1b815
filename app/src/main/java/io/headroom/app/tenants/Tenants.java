package io.headroom.app.tenants;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.headroom.app.tenants.internal.ApiKeys;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
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
    /**
     * Keys seen in the last minute, found or not: authenticating a request is then no database work, so a flood
     * can be turned away by admission control without touching the database. Keys are never revoked yet; when
     * they are, revocation takes up to this minute to apply everywhere.
     */
    private final Cache<String, Optional<Tenant>> recent = Caffeine.newBuilder()
            .maximumSize(10_000).expireAfterWrite(Duration.ofMinutes(1)).build();

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
        byte[] hash = ApiKeys.hash(apiKey);
        return recent.get(HexFormat.of().formatHex(hash), k -> jdbc.sql(AUTHENTICATE)
                .param(hash)
                .query((rs, n) -> new Tenant(new TenantId(rs.getObject(1, UUID.class)), rs.getString(2), Plan.valueOf(rs.getString(3))))
                .optional());
    }
}
