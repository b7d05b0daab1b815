package io.headroom.app.orders;

import io.headroom.app.tenants.CurrentTenant;
import io.headroom.app.web.Cursor;
import io.headroom.app.web.Page;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Reads the current tenant's orders. Placing one is {@code POST /v1/orders} (idempotent, see the README). */
@Service
public class Orders {

    public static final String BY_ID = "SELECT * FROM orders.orders WHERE tenant_id = ? AND id = ?";
    public static final String PAGE = "SELECT * FROM orders.orders WHERE tenant_id = ? AND id > ? ORDER BY id LIMIT ?";
    public static final String LINES = """
            SELECT * FROM orders.order_line WHERE tenant_id = ? AND order_id = ANY(?) ORDER BY order_id, line_no""";

    private final JdbcClient jdbc;

    Orders(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Transactional(readOnly = true)
    public Optional<Order> get(long id) {
        UUID tenant = CurrentTenant.require().value();
        return withLines(tenant, jdbc.sql(BY_ID).params(tenant, id).query(Orders::order).list()).stream().findFirst();
    }

    @Transactional(readOnly = true)
    public Page<Order> list(String after, Integer limit) {
        int n = Cursor.limit(limit);
        UUID tenant = CurrentTenant.require().value();
        List<Order> rows = jdbc.sql(PAGE).params(tenant, Cursor.decode(after), n + 1).query(Orders::order).list();
        return Page.of(withLines(tenant, rows), n, Order::id);
    }

    /** The lines of these orders, in one query. */
    List<Order> withLines(UUID tenant, List<Order> orders) {
        if (orders.isEmpty()) {
            return orders;
        }
        Long[] ids = orders.stream().map(Order::id).toArray(Long[]::new);
        Map<Long, List<Order.Line>> lines = new HashMap<>();
        jdbc.sql(LINES).params(tenant, ids).query(rs -> {
            lines.computeIfAbsent(rs.getLong("order_id"), k -> new ArrayList<>()).add(new Order.Line(rs.getLong("product_id"),
                    rs.getString("sku"), rs.getInt("quantity"), rs.getLong("unit_price_cents")));
        });
        return orders.stream().map(o -> new Order(o.id(), o.status(), o.totalCents(), o.currency(), o.email(), o.cardLast4(),
                o.chargeId(), o.failure(), List.copyOf(lines.getOrDefault(o.id(), List.of())), o.createdAt(), o.updatedAt())).toList();
    }

    static Order order(ResultSet rs, int row) throws SQLException {
        return new Order(rs.getLong("id"), OrderStatus.valueOf(rs.getString("status")), rs.getLong("total_cents"),
                rs.getString("currency"), rs.getString("email"), rs.getString("card_last4"), rs.getString("charge_id"),
                rs.getString("failure"), List.of(), rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }
}
