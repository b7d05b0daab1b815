package io.headroom.app.catalog;

import io.headroom.app.tenants.CurrentTenant;
import io.headroom.app.web.ApiProblem;
import io.headroom.app.web.Cursor;
import io.headroom.app.web.Page;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Products and stock of the current tenant ({@link CurrentTenant}). Every statement filters by tenant, and
 * row-level security enforces it again. {@link #reserve} and {@link #release} join the caller's transaction.
 */
@Service
public class Catalog {

    public static final String BY_ID = "SELECT * FROM catalog.product WHERE tenant_id = ? AND id = ?";
    public static final String PAGE = "SELECT * FROM catalog.product WHERE tenant_id = ? AND id > ? ORDER BY id LIMIT ?";
    public static final String RESERVE = """
            UPDATE catalog.product SET stock = stock - ?, updated_at = ?
            WHERE tenant_id = ? AND id = ? AND stock >= ? RETURNING sku, price_cents""";

    private final JdbcClient jdbc;
    private final Clock clock;

    Catalog(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Transactional
    public Product create(String sku, String name, long priceCents, int stock) {
        Timestamp now = Timestamp.from(clock.instant());
        try {
            return jdbc.sql("""
                            INSERT INTO catalog.product (tenant_id, sku, name, price_cents, stock, created_at, updated_at)
                            VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *""")
                    .params(CurrentTenant.require().value(), sku, name, priceCents, stock, now, now)
                    .query(Catalog::product).single();
        } catch (DuplicateKeyException e) {
            throw CatalogProblems.duplicateSku(sku);
        }
    }

    @Transactional(readOnly = true)
    public Optional<Product> get(long id) {
        return jdbc.sql(BY_ID).params(CurrentTenant.require().value(), id).query(Catalog::product).optional();
    }

    @Transactional(readOnly = true)
    public Page<Product> list(String after, Integer limit) {
        int n = Cursor.limit(limit);
        List<Product> rows = jdbc.sql(PAGE).params(CurrentTenant.require().value(), Cursor.decode(after), n + 1)
                .query(Catalog::product).list();
        return Page.of(rows, n, Product::id);
    }

    /** Adds {@code delta} (negative to remove) to a product's stock; refuses to go below zero. */
    @Transactional
    public Product adjustStock(long id, int delta) {
        Optional<Product> updated = jdbc.sql("""
                        UPDATE catalog.product SET stock = stock + ?, updated_at = ?
                        WHERE tenant_id = ? AND id = ? AND stock + ? >= 0 RETURNING *""")
                .params(delta, Timestamp.from(clock.instant()), CurrentTenant.require().value(), id, delta)
                .query(Catalog::product).optional();
        if (updated.isPresent()) {
            return updated.get();
        }
        Product p = get(id).orElseThrow(() -> ApiProblem.notFound("product", id));
        throw CatalogProblems.outOfStock(p.id(), -delta);
    }

    /**
     * Takes the lines' quantities out of stock in the caller's transaction, all or nothing: one conditional
     * UPDATE per product, in product-id order so that concurrent orders lock rows in the same order.
     *
     * @throws io.headroom.app.web.ApiProblem out-of-stock or unknown-product; the caller's transaction rolls back
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public List<Reserved> reserve(List<StockLine> lines) {
        var tenant = CurrentTenant.require().value();
        Timestamp now = Timestamp.from(clock.instant());
        return lines.stream().sorted(Comparator.comparingLong(StockLine::productId)).map(line -> jdbc.sql(RESERVE)
                .params(line.quantity(), now, tenant, line.productId(), line.quantity())
                .query((rs, i) -> new Reserved(line.productId(), rs.getString(1), line.quantity(), rs.getLong(2)))
                .optional()
                .orElseThrow(() -> get(line.productId()).isPresent()
                        ? CatalogProblems.outOfStock(line.productId(), line.quantity())
                        : CatalogProblems.unknownProduct(line.productId()))).toList();
    }

    /** Puts reserved quantities back, in the caller's transaction. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void release(List<StockLine> lines) {
        var tenant = CurrentTenant.require().value();
        Timestamp now = Timestamp.from(clock.instant());
        for (StockLine line : lines.stream().sorted(Comparator.comparingLong(StockLine::productId)).toList()) {
            jdbc.sql("UPDATE catalog.product SET stock = stock + ?, updated_at = ? WHERE tenant_id = ? AND id = ?")
                    .params(line.quantity(), now, tenant, line.productId()).update();
        }
    }

    private static Product product(ResultSet rs, int row) throws SQLException {
        return new Product(rs.getLong("id"), rs.getString("sku"), rs.getString("name"), rs.getLong("price_cents"),
                rs.getInt("stock"), rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }
}
