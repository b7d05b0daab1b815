package io.headroom.app.commerce;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.app.AppTest;
import io.headroom.app.catalog.Catalog;
import io.headroom.app.orders.Orders;
import io.headroom.app.orders.internal.IdempotencyKeys;
import io.headroom.app.reporting.Reports;
import io.headroom.app.tenants.CurrentTenant;
import io.headroom.app.tenants.TenantId;
import io.headroom.app.tenants.Tenants;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Every hot query path has an index: over tables seeded with 100,000 rows each (nearly all of them one big
 * tenant's, the worst case for a tenant filter), EXPLAIN of each query, run as that tenant under row-level
 * security, shows no sequential scan.
 */
@AppTest
class QueryPlansTest extends CommerceTestSupport {

    static final int ROWS = 100_000;
    static final UUID BIG = UUID.fromString("00000000-0000-0000-0000-0000000000b1");

    @Autowired
    JdbcClient jdbc;

    @Autowired
    TransactionTemplate tx;

    @BeforeEach
    void seed() {
        tx.executeWithoutResult(s -> {
            jdbc.sql("INSERT INTO tenants.tenant SELECT CASE WHEN g = 1 THEN ?::uuid ELSE gen_random_uuid() END, 't' || g, 'standard', now() "
                    + "FROM generate_series(1, ?) g").params(BIG, ROWS).update();
            jdbc.sql("INSERT INTO tenants.api_key SELECT sha256(convert_to('k' || t.id, 'UTF8')), t.id, now() FROM tenants.tenant t").update();
            jdbc.sql("INSERT INTO catalog.product (tenant_id, sku, name, price_cents, stock, created_at, updated_at) "
                    + "SELECT ?, 'sku-' || g, 'p' || g, 100 + g, 1000, now(), now() FROM generate_series(1, ?) g").params(BIG, ROWS).update();
            jdbc.sql("INSERT INTO orders.orders (tenant_id, status, total_cents, currency, email, card_last4, created_at, updated_at) "
                    + "SELECT ?, 'PAID', 100, 'EUR', 'a@b.co', '4242', now(), now() FROM generate_series(1, ?) g").params(BIG, ROWS).update();
            jdbc.sql("INSERT INTO orders.order_line SELECT id, 1, tenant_id, id, 'sku', 1, 100 FROM orders.orders").update();
            jdbc.sql("INSERT INTO orders.idempotency_key SELECT ?, 'key-' || g, '\\x00'::bytea, 'DONE', 201, null, '{}', now(), now() + interval '1 day' "
                    + "FROM generate_series(1, ?) g").params(BIG, ROWS).update();
            jdbc.sql("INSERT INTO payments.charge SELECT id, tenant_id, 100, 'EUR', '4242', 'SUCCEEDED', 'ch', null, now(), now() FROM orders.orders").update();
            jdbc.sql("INSERT INTO notifications.email SELECT id, 'order-paid', tenant_id, 'a@b.co', 'SENT', 'm', now(), now() FROM orders.orders").update();
            jdbc.sql("INSERT INTO reporting.sale SELECT id, id % 1000, tenant_id, date '2026-01-01' + (id % 365)::int, 1, 100 FROM orders.orders").update();
            jdbc.sql("INSERT INTO reporting.report (tenant_id, status, from_day, to_day, created_at) "
                    + "SELECT ?, 'DONE', date '2026-01-01', date '2026-01-31', now() FROM generate_series(1, ?) g").params(BIG, ROWS).update();
        });
        for (String table : List.of("tenants.tenant", "tenants.api_key", "catalog.product", "orders.orders", "orders.order_line",
                "orders.idempotency_key", "payments.charge", "notifications.email", "reporting.sale", "reporting.report")) {
            jdbc.sql("ANALYZE " + table).update();
        }
    }

    @Test
    void noHotQueryScansATable() {
        long mid = ROWS / 2;
        Timestamp now = Timestamp.from(Instant.now());
        Map<String, Object[]> queries = new LinkedHashMap<>();
        queries.put(Tenants.AUTHENTICATE, new Object[] {new byte[32]});
        queries.put(Catalog.BY_ID, new Object[] {BIG, mid});
        queries.put(Catalog.PAGE, new Object[] {BIG, mid, 21});
        queries.put(Catalog.RESERVE, new Object[] {1, now, BIG, mid, 1});
        queries.put(Orders.BY_ID, new Object[] {BIG, mid});
        queries.put(Orders.PAGE, new Object[] {BIG, mid, 21});
        queries.put(Orders.LINES, new Object[] {BIG, new Long[] {mid, mid + 1, mid + 2}});
        queries.put(IdempotencyKeys.LOOKUP, new Object[] {BIG, "key-" + mid});
        queries.put(IdempotencyKeys.EXPIRED, new Object[] {now});
        queries.put("UPDATE orders.orders SET status = 'PAID', updated_at = ? WHERE tenant_id = ? AND id = ? AND status IN ('PENDING_PAYMENT')",
                new Object[] {now, BIG, mid});
        queries.put("UPDATE payments.charge SET status = 'SUCCEEDED', updated_at = ? WHERE tenant_id = ? AND order_id = ? AND status IN ('REQUESTED', 'STUCK')",
                new Object[] {now, BIG, mid});
        queries.put("UPDATE notifications.email SET status = 'SENT', sent_at = ? WHERE tenant_id = ? AND order_id = ? AND template = ? AND status = 'PENDING'",
                new Object[] {now, BIG, mid, "order-paid"});
        queries.put(Reports.BY_ID, new Object[] {BIG, mid});
        queries.put(Reports.PER_DAY, new Object[] {BIG, Date.valueOf(LocalDate.of(2026, 3, 1)), Date.valueOf(LocalDate.of(2026, 3, 31))});
        queries.put(Reports.PER_PRODUCT, new Object[] {BIG, Date.valueOf(LocalDate.of(2026, 3, 1)), Date.valueOf(LocalDate.of(2026, 3, 31))});

        List<String> scans = new ArrayList<>();
        queries.forEach((sql, params) -> {
            String plan = CurrentTenant.call(new TenantId(BIG), () -> tx.execute(s ->
                    jdbc.sql("EXPLAIN (FORMAT JSON) " + sql).params(params).query(String.class).single()));
            List<String> nodes = new ArrayList<>();
            collect(JSON.readTree(plan).get(0).get("Plan"), nodes);
            System.out.println("[plans] " + String.join(" > ", nodes) + "  <=  " + sql.replaceAll("\\s+", " "));
            if (nodes.stream().anyMatch(n -> n.startsWith("Seq Scan"))) {
                scans.add(sql.replaceAll("\\s+", " ") + "\n    " + plan.replaceAll("\\s+", " "));
            }
        });

        assertThat(scans).as("queries planned with a sequential scan").isEmpty();
    }

    private static void collect(JsonNode plan, List<String> nodes) {
        String relation = plan.path("Relation Name").asString("");
        String index = plan.path("Index Name").asString("");
        nodes.add(plan.get("Node Type").asString() + (relation.isEmpty() ? "" : " on " + relation) + (index.isEmpty() ? "" : " using " + index));
        for (JsonNode child : plan.path("Plans")) {
            collect(child, nodes);
        }
    }
}
