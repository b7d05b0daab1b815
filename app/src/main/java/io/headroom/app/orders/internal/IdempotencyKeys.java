package io.headroom.app.orders.internal;

import io.headroom.app.tenants.TenantId;
import io.headroom.app.web.ApiProblem;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The Idempotency-Key semantics of the IETF httpapi draft, per tenant and key:
 * <ul>
 *   <li>first use: the key is claimed (RUNNING) in its own short transaction, then the request runs;</li>
 *   <li>same key, same body, finished: the stored response is replayed;</li>
 *   <li>same key, same body, still running: 409 (a claim older than {@code lock-timeout} is taken over: its
 *       request died before finishing);</li>
 *   <li>same key, different body: 422;</li>
 *   <li>after {@code ttl} a key is forgotten and may be used again.</li>
 * </ul>
 */
@Component
public class IdempotencyKeys {

    public static final String LOOKUP = "SELECT fingerprint, state, status, location, body FROM orders.idempotency_key WHERE tenant_id = ? AND key = ?";
    public static final String EXPIRED = "SELECT ctid FROM orders.idempotency_key WHERE expires_at <= ? LIMIT 1000";

    private static final Logger log = LoggerFactory.getLogger(IdempotencyKeys.class);

    /** A response to replay. */
    record Stored(int status, String location, String body) {
    }

    private final JdbcClient jdbc;
    private final Clock clock;
    private final Duration ttl;
    private final Duration lockTimeout;

    IdempotencyKeys(JdbcClient jdbc, Clock clock, @Value("${headroom.orders.idempotency.ttl:24h}") Duration ttl,
                    @Value("${headroom.orders.idempotency.lock-timeout:30s}") Duration lockTimeout) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.ttl = ttl;
        this.lockTimeout = lockTimeout;
    }

    /**
     * Claims the key for this request, or says why not.
     *
     * @return null if claimed (run the request, then {@link #complete}); the stored response to replay otherwise
     * @throws ApiProblem 409 while the first request runs, 422 for a different body
     */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public Stored claim(TenantId tenant, String key, byte[] fingerprint) {
        Instant now = clock.instant();
        boolean claimed = jdbc.sql("""
                        INSERT INTO orders.idempotency_key (tenant_id, key, fingerprint, state, locked_at, expires_at)
                        VALUES (?, ?, ?, 'RUNNING', ?, ?)
                        ON CONFLICT (tenant_id, key) DO UPDATE
                            SET fingerprint = EXCLUDED.fingerprint, state = 'RUNNING', status = NULL, location = NULL,
                                body = NULL, locked_at = EXCLUDED.locked_at, expires_at = EXCLUDED.expires_at
                            WHERE idempotency_key.expires_at <= EXCLUDED.locked_at
                               OR (idempotency_key.state = 'RUNNING' AND idempotency_key.locked_at <= ?
                                   AND idempotency_key.fingerprint = EXCLUDED.fingerprint)
                        RETURNING 1""")
                .params(tenant.value(), key, fingerprint, Timestamp.from(now), Timestamp.from(now.plus(ttl)),
                        Timestamp.from(now.minus(lockTimeout)))
                .query(Integer.class).optional().isPresent();
        if (claimed) {
            return null;
        }
        record Existing(byte[] fingerprint, String state, Integer status, String location, String body) {
        }
        Existing e = jdbc.sql(LOOKUP)
                .params(tenant.value(), key)
                .query((rs, n) -> new Existing(rs.getBytes(1), rs.getString(2), (Integer) rs.getObject(3), rs.getString(4), rs.getString(5)))
                .single();
        if (!Arrays.equals(e.fingerprint, fingerprint)) {
            throw new ApiProblem(HttpStatus.UNPROCESSABLE_CONTENT, "idempotency-key-reused", "Idempotency-Key reused",
                    "the Idempotency-Key '" + key + "' was already used with a different request body", Map.of());
        }
        if (e.state.equals("RUNNING")) {
            throw new ApiProblem(HttpStatus.CONFLICT, "request-in-progress", "Request in progress",
                    "a request with the Idempotency-Key '" + key + "' is still being processed; retry it shortly", Map.of());
        }
        return new Stored(e.status, e.location, e.body);
    }

    /** Stores the response for replay, in the caller's transaction (the one that made the order). */
    @Transactional(propagation = Propagation.MANDATORY)
    public void complete(TenantId tenant, String key, Stored response) {
        store(tenant, key, response);
    }

    /** Stores a refusal (such as out of stock) for replay, after the request's own transaction rolled back. */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public void completeAlone(TenantId tenant, String key, Stored response) {
        store(tenant, key, response);
    }

    private void store(TenantId tenant, String key, Stored response) {
        jdbc.sql("UPDATE orders.idempotency_key SET state = 'DONE', status = ?, location = ?, body = ? WHERE tenant_id = ? AND key = ?")
                .params(response.status(), response.location(), response.body(), tenant.value(), key).update();
    }

    /** Releases a claim whose request failed unexpectedly, so that the client's retry runs it again. */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public void release(TenantId tenant, String key) {
        jdbc.sql("DELETE FROM orders.idempotency_key WHERE tenant_id = ? AND key = ? AND state = 'RUNNING'")
                .params(tenant.value(), key).update();
    }

    /** Forgets expired keys, a thousand rows per statement so that no purge holds locks for long. */
    @Scheduled(fixedDelayString = "${headroom.orders.idempotency.purge-interval:60s}")
    public void purgeExpired() {
        int deleted;
        int total = 0;
        do {
            deleted = jdbc.sql("""
                            DELETE FROM orders.idempotency_key WHERE ctid = ANY (ARRAY(""" + EXPIRED + "))")
                    .param(Timestamp.from(clock.instant())).update();
            total += deleted;
        } while (deleted == 1000);
        if (total > 0) {
            log.info("purged {} expired idempotency keys", total);
        }
    }
}
