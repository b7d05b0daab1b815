package io.headroom.app.commerce;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.app.AppTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import io.headroom.app.orders.internal.IdempotencyKeys;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The four Idempotency-Key cases of the IETF draft, and expiry. */
@AppTest
class IdempotencyKeyTest extends CommerceTestSupport {

    @Autowired
    DataSource dataSource;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    IdempotencyKeys keys;

    @Test
    void theSameKeyAndBodyReplaysTheFirstResponseAndMakesOneOrder() {
        Tenant shop = tenant("Replay Shop");
        long product = product(shop, "pen", 150, 10);
        String key = UUID.randomUUID().toString();

        Response first = call("POST", "/v1/orders", shop.key(), order(product, 1, "4242424242424242"), "Idempotency-Key", key);
        Response again = call("POST", "/v1/orders", shop.key(), order(product, 1, "4242424242424242"), "Idempotency-Key", key);

        assertThat(first.status()).isEqualTo(201);
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(again.headers().firstValue("Location")).isEqualTo(first.headers().firstValue("Location"));
        assertThat(stock(shop, product)).as("one reservation").isEqualTo(9);
        assertThat(call("GET", "/v1/orders", shop.key(), null).json().get("items").size()).isEqualTo(1);
    }

    @Test
    void theSameKeyWithAnotherBodyIs422AndChangesNothing() {
        Tenant shop = tenant("Conflict Shop");
        long product = product(shop, "pad", 300, 10);
        String key = UUID.randomUUID().toString();
        call("POST", "/v1/orders", shop.key(), order(product, 1, "4242424242424242"), "Idempotency-Key", key);

        Response other = call("POST", "/v1/orders", shop.key(), order(product, 2, "4242424242424242"), "Idempotency-Key", key);

        assertThat(other.status()).isEqualTo(422);
        assertThat(other.json().get("type").asString()).endsWith("/idempotency-key-reused");
        assertThat(stock(shop, product)).isEqualTo(9);
    }

    @Test
    void theSameKeyWhileTheFirstRequestRunsIs409() throws Exception {
        Tenant shop = tenant("Slow Shop");
        long product = product(shop, "ink", 700, 10);
        String key = UUID.randomUUID().toString();
        Response first;
        // Hold the product's row lock, so that the first request waits inside its reservation.
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement lock = c.prepareStatement("SELECT 1 FROM catalog.product WHERE id = ? FOR UPDATE")) {
                lock.setLong(1, product);
                lock.execute();
            }
            CompletableFuture<Response> running = CompletableFuture.supplyAsync(
                    () -> call("POST", "/v1/orders", shop.key(), order(product, 1, "4242424242424242"), "Idempotency-Key", key));
            awaitBlockedOnTheLock();

            Response second = call("POST", "/v1/orders", shop.key(), order(product, 1, "4242424242424242"), "Idempotency-Key", key);
            assertThat(second.status()).isEqualTo(409);
            assertThat(second.json().get("type").asString()).endsWith("/request-in-progress");

            c.commit();
            first = running.get();
        }
        assertThat(first.status()).isEqualTo(201);
        Response third = call("POST", "/v1/orders", shop.key(), order(product, 1, "4242424242424242"), "Idempotency-Key", key);
        assertThat(third.status()).isEqualTo(201);
        assertThat(third.body()).isEqualTo(first.body());
        assertThat(stock(shop, product)).isEqualTo(9);
    }

    @Test
    void aRefusalIsReplayedAndAnExpiredKeyRunsAgain() throws Exception {
        Tenant shop = tenant("Empty Shop");
        long product = product(shop, "rare", 100_000, 0);
        String key = UUID.randomUUID().toString();

        Response refused = call("POST", "/v1/orders", shop.key(), order(product, 1, "4242424242424242"), "Idempotency-Key", key);
        assertThat(refused.status()).isEqualTo(409);
        call("POST", "/v1/products/" + product + "/stock", shop.key(), "{\"delta\":5}");
        Response replayed = call("POST", "/v1/orders", shop.key(), order(product, 1, "4242424242424242"), "Idempotency-Key", key);
        assertThat(replayed.status()).as("the decided answer is replayed, not recomputed").isEqualTo(409);
        assertThat(replayed.headers().firstValue("Idempotent-Replayed")).hasValue("true");

        // Let the key expire (as the purge's clock would see it a day later).
        try (Connection c = dataSource.getConnection(); PreparedStatement age = c.prepareStatement(
                "UPDATE orders.idempotency_key SET expires_at = now() - interval '1 second' WHERE key = ?")) {
            age.setString(1, key);
            assertThat(age.executeUpdate()).isEqualTo(1);
        }
        Response fresh = call("POST", "/v1/orders", shop.key(), order(product, 1, "4242424242424242"), "Idempotency-Key", key);
        assertThat(fresh.status()).isEqualTo(201);
        assertThat(stock(shop, product)).isEqualTo(4);
    }

    @Test
    void expiredKeysArePurgedAndLiveOnesKept() {
        Tenant shop = tenant("Purged Shop");
        long product = product(shop, "clip", 50, 10);
        String old = UUID.randomUUID().toString();
        String live = UUID.randomUUID().toString();
        call("POST", "/v1/orders", shop.key(), order(product, 1, "4242424242424242"), "Idempotency-Key", old);
        call("POST", "/v1/orders", shop.key(), order(product, 1, "4242424242424242"), "Idempotency-Key", live);
        jdbc.sql("UPDATE orders.idempotency_key SET expires_at = now() - interval '1 second' WHERE key = ?").param(old).update();

        keys.purgeExpired();

        assertThat(jdbc.sql("SELECT key FROM orders.idempotency_key WHERE key IN (?, ?)").params(old, live).query(String.class).list())
                .containsExactly(live);
    }

    @Test
    void keysAreRequiredSingleAndPrintable() {
        Tenant shop = tenant("Strict Shop");
        long product = product(shop, "cup", 100, 10);
        String body = order(product, 1, "4242424242424242");

        Response missing = call("POST", "/v1/orders", shop.key(), body);
        Response tooLong = call("POST", "/v1/orders", shop.key(), body, "Idempotency-Key", "k".repeat(256));

        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().get("type").asString()).endsWith("/idempotency-key-missing");
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.json().get("type").asString()).endsWith("/idempotency-key-invalid");
        assertThat(stock(shop, product)).isEqualTo(10);
    }

    private void awaitBlockedOnTheLock() throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        try (Connection c = dataSource.getConnection(); PreparedStatement waiting = c.prepareStatement(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")) {
            while (System.nanoTime() < deadline) {
                var rs = waiting.executeQuery();
                rs.next();
                if (rs.getInt(1) > 0) {
                    return;
                }
                Thread.sleep(10);
            }
        }
        throw new AssertionError("the first request never waited for the row lock");
    }
}
