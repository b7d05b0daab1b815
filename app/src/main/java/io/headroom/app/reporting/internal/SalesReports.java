package io.headroom.app.reporting.internal;

import io.headroom.app.orders.Order;
import io.headroom.app.orders.OrderPaid;
import io.headroom.app.reporting.Reports;
import io.headroom.app.tenants.CurrentTenant;
import io.headroom.app.tenants.TenantId;
import io.headroom.jobs.Job;
import io.headroom.jobs.JobContext;
import io.headroom.jobs.JobHandler;
import io.headroom.jobs.JobRegistration;
import io.headroom.jobs.PermanentJobFailure;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keeps reporting's own copy of sales (one row per paid order line, written with the payment) and computes
 * reports from it in a job, under a statement timeout so that a huge range cannot hold a connection for long.
 */
@Configuration(proxyBeanMethods = false)
public class SalesReports implements JobHandler {

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final JsonMapper json;
    private final Clock clock;
    private final Duration statementTimeout;

    SalesReports(JdbcClient jdbc, TransactionTemplate tx, JsonMapper json, Clock clock,
                 @Value("${headroom.reports.statement-timeout:10s}") Duration statementTimeout) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.json = json;
        this.clock = clock;
        this.statementTimeout = statementTimeout;
    }

    @Bean
    JobRegistration computeRegistration() {
        return new JobRegistration(Reports.QUEUE, Reports.COMPUTE, this);
    }

    @EventListener
    @Transactional(propagation = Propagation.MANDATORY)
    void on(OrderPaid e) {
        LocalDate day = e.paidAt().atZone(ZoneOffset.UTC).toLocalDate();
        for (Order.Line line : e.lines()) {
            jdbc.sql("""
                            INSERT INTO reporting.sale (order_id, product_id, tenant_id, day, quantity, amount_cents)
                            VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")
                    .params(e.orderId(), line.productId(), e.tenant().value(), Date.valueOf(day), line.quantity(),
                            line.quantity() * line.unitPriceCents()).update();
        }
    }

    @Override
    public void handle(Job job, JobContext context) {
        long reportId = json.readTree(job.payload()).get("reportId").asLong();
        TenantId tenant = TenantId.of(job.tenant());
        try {
            CurrentTenant.run(tenant, () -> tx.executeWithoutResult(s -> compute(tenant, reportId)));
        } catch (DataAccessException e) {
            boolean timedOut = e.getMostSpecificCause() instanceof java.sql.SQLException sql && "57014".equals(sql.getSQLState());
            if (timedOut || job.lastAttempt()) {
                String error = timedOut
                        ? "the report took longer than the statement timeout of " + statementTimeout.toMillis() + " ms; ask for a shorter range"
                        : "the report failed: " + e.getMostSpecificCause().getMessage();
                CurrentTenant.run(tenant, () -> tx.executeWithoutResult(s -> finish(tenant, reportId, "FAILED", null, error)));
                throw new PermanentJobFailure(error, e);
            }
            throw e;
        }
    }

    /** Naive mode: computes the report in the caller's transaction (the request's). */
    public void computeInline(TenantId tenant, long reportId) {
        compute(tenant, reportId);
    }

    private void compute(TenantId tenant, long reportId) {
        Map<String, Object> r = jdbc.sql("SELECT from_day, to_day FROM reporting.report WHERE tenant_id = ? AND id = ? AND status = 'QUEUED'")
                .params(tenant.value(), reportId)
                .query((rs, n) -> Map.<String, Object>of("from", rs.getDate(1), "to", rs.getDate(2))).optional().orElse(null);
        if (r == null) {
            return; // already computed by an earlier delivery
        }
        jdbc.sql("SELECT set_config('statement_timeout', ?, true)").param(statementTimeout.toMillis() + "ms").query(String.class).single();
        List<Map<String, Object>> days = new ArrayList<>();
        jdbc.sql(Reports.PER_DAY).params(tenant.value(), r.get("from"), r.get("to")).query(rs -> {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("day", rs.getDate("day").toLocalDate().toString());
            d.put("orders", rs.getLong("orders"));
            d.put("units", rs.getLong("units"));
            d.put("revenueCents", rs.getLong("revenue"));
            days.add(d);
        });
        List<Map<String, Object>> products = new ArrayList<>();
        jdbc.sql(Reports.PER_PRODUCT).params(tenant.value(), r.get("from"), r.get("to")).query(rs -> {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("productId", rs.getLong("product_id"));
            p.put("units", rs.getLong("units"));
            p.put("revenueCents", rs.getLong("revenue"));
            products.add(p);
        });
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("days", days);
        result.put("products", products);
        result.put("totalUnits", days.stream().mapToLong(d -> (Long) d.get("units")).sum());
        result.put("totalRevenueCents", days.stream().mapToLong(d -> (Long) d.get("revenueCents")).sum());
        finish(tenant, reportId, "DONE", json.writeValueAsString(result), null);
    }

    private void finish(TenantId tenant, long reportId, String status, String result, String error) {
        jdbc.sql("""
                        UPDATE reporting.report SET status = ?, result = ?::jsonb, error = ?, finished_at = ?
                        WHERE tenant_id = ? AND id = ? AND status = 'QUEUED'""")
                .params(status, result, error, Timestamp.from(clock.instant()), tenant.value(), reportId).update();
    }
}
