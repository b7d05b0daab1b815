package io.headroom.app.commerce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.app.AppTest;
import io.headroom.app.tenants.CurrentTenant;
import io.headroom.app.tenants.TenantId;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Tenant A's products, orders and reports are invisible to tenant B through the API, including by guessing ids;
 * and row-level security alone keeps them apart when a query forgets its tenant filter.
 */
@AppTest
class TenantIsolationTest extends CommerceTestSupport {

    static final List<String> TENANT_TABLES = List.of("catalog.product", "orders.orders", "orders.order_line",
            "orders.idempotency_key", "payments.charge", "notifications.email", "reporting.sale", "reporting.report");

    @Autowired
    JdbcClient jdbc;

    @Autowired
    TransactionTemplate tx;

    Tenant a;
    Tenant b;
    long productA;
    long orderA;
    long reportA;

    @BeforeEach
    void twoTenantsWithData() throws Exception {
        a = tenant("Alpha");
        b = tenant("Beta");
        productA = product(a, "alpha-1", 1000, 10);
        product(b, "beta-1", 2000, 10);
        orderA = placeOrder(a, order(productA, 1, "4242424242424242")).json().get("id").asLong();
        placeOrder(b, order(product(b, "beta-2", 500, 5), 1, "4242424242424242"));
        awaitOrder(a, orderA, status("PAID"));
        reportA = call("POST", "/v1/reports", a.key(), "{\"from\":\"2026-01-01\",\"to\":\"2026-12-31\"}").json().get("id").asLong();
    }

    @Test
    void tenantBCannotReadOrChangeTenantAsThingsByTheirIds() {
        assertThat(call("GET", "/v1/products/" + productA, b.key(), null).status()).isEqualTo(404);
        assertThat(call("POST", "/v1/products/" + productA + "/stock", b.key(), "{\"delta\":-10}").status()).isEqualTo(404);
        assertThat(call("GET", "/v1/orders/" + orderA, b.key(), null).status()).isEqualTo(404);
        assertThat(call("GET", "/v1/reports/" + reportA, b.key(), null).status()).isEqualTo(404);
        Response order = placeOrder(b, order(productA, 1, "4242424242424242"));
        assertThat(order.status()).isEqualTo(422);
        assertThat(order.json().get("type").asString()).endsWith("/unknown-product");

        assertThat(call("GET", "/v1/products?limit=100", b.key(), null).body()).doesNotContain("alpha-1");
        assertThat(call("GET", "/v1/orders?limit=100", b.key(), null).json().get("items").findValuesAsString("id"))
                .doesNotContain(String.valueOf(orderA));
        assertThat(stock(a, productA)).as("A's stock is untouched").isEqualTo(9);
        assertThat(call("GET", "/v1/orders/" + orderA, a.key(), null).status()).isEqualTo(200);
    }

    @Test
    void callsWithoutAValidKeyAre401() {
        assertThat(call("GET", "/v1/products", null, null).status()).isEqualTo(401);
        assertThat(call("GET", "/v1/products", "hr_" + "x".repeat(43), null).status()).isEqualTo(401);
        assertThat(call("GET", "/v1/products", "not-a-key", null).status()).isEqualTo(401);
        assertThat(call("GET", "/v1/products", OPERATOR_KEY, null).status()).as("the operator key is not a tenant key").isEqualTo(401);
        Response admin = call("POST", "/admin/tenants", a.key(), "{\"name\":\"Sneaky\"}");
        assertThat(admin.status()).as("a tenant key is not the operator key").isEqualTo(401);
        assertThat(admin.contentType()).isEqualTo("application/problem+json");
        assertThat(admin.json().get("type").asString()).endsWith("/unauthorized");
    }

    @Test
    void rowLevelSecurityAloneShowsATransactionOnlyItsTenantsRows() {
        TenantId alpha = TenantId.of(a.id());
        TenantId beta = TenantId.of(b.id());
        for (String table : TENANT_TABLES) {
            long all = tx.execute(s -> jdbc.sql("SELECT count(*) FROM " + table).query(Long.class).single());
            long ofA = tx.execute(s -> jdbc.sql("SELECT count(*) FROM " + table + " WHERE tenant_id = ?").param(alpha.value()).query(Long.class).single());
            long ofB = tx.execute(s -> jdbc.sql("SELECT count(*) FROM " + table + " WHERE tenant_id = ?").param(beta.value()).query(Long.class).single());
            assertThat(ofA).as("tenant A has rows in %s", table).isPositive();

            // No tenant filter in the query: the policy supplies it.
            long seenByA = CurrentTenant.call(alpha, () -> tx.execute(s -> jdbc.sql("SELECT count(*) FROM " + table).query(Long.class).single()));
            long seenByB = CurrentTenant.call(beta, () -> tx.execute(s -> jdbc.sql("SELECT count(*) FROM " + table).query(Long.class).single()));
            assertThat(seenByA).as("%s as A", table).isEqualTo(ofA).isLessThan(all);
            assertThat(seenByB).as("%s as B", table).isEqualTo(ofB);
        }
    }

    @Test
    void rowLevelSecurityAloneStopsWritesToAnotherTenantsRows() {
        TenantId beta = TenantId.of(b.id());
        int changed = CurrentTenant.call(beta, () -> tx.execute(s -> jdbc.sql("UPDATE catalog.product SET stock = 0").update()));
        assertThat(changed).as("only B's own products").isEqualTo(2);
        assertThat(stock(a, productA)).isEqualTo(9);

        assertThatThrownBy(() -> CurrentTenant.run(beta, () -> tx.executeWithoutResult(s -> jdbc.sql("""
                        INSERT INTO catalog.product (tenant_id, sku, name, price_cents, stock, created_at, updated_at)
                        VALUES (?, 'planted', 'x', 1, 1, now(), now())""").param(UUID.fromString(a.id())).update())))
                .isInstanceOf(DataAccessException.class)
                .satisfies(e -> assertThat(((DataAccessException) e).getMostSpecificCause().getMessage())
                        .contains("violates row-level security policy"));
    }
}
