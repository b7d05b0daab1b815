package io.headroom.app.reporting;

import io.headroom.app.ops.TransactionalJobs;
import io.headroom.app.reporting.internal.SalesReports;
import io.headroom.app.tenants.CurrentTenant;
import io.headroom.jobs.NewJob;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Requests and reads sales reports; a job (queue {@value #QUEUE}) computes them, never the request — except in
 * naive mode ({@code headroom.reports.inline}), which computes them inside the request to show what that costs.
 */
@Service
public class Reports {

    public static final String QUEUE = "reports";
    public static final String COMPUTE = "reporting.compute";
    public static final String BY_ID = "SELECT * FROM reporting.report WHERE tenant_id = ? AND id = ?";
    public static final String PER_DAY = """
            SELECT day, count(DISTINCT order_id) AS orders, sum(quantity) AS units, sum(amount_cents) AS revenue
            FROM reporting.sale WHERE tenant_id = ? AND day BETWEEN ? AND ? GROUP BY day ORDER BY day""";
    public static final String PER_PRODUCT = """
            SELECT product_id, sum(quantity) AS units, sum(amount_cents) AS revenue
            FROM reporting.sale WHERE tenant_id = ? AND day BETWEEN ? AND ? GROUP BY product_id ORDER BY product_id""";

    private final JdbcClient jdbc;
    private final TransactionalJobs jobs;
    private final JsonMapper json;
    private final Clock clock;
    private final SalesReports sales;
    private final boolean inline;

    Reports(JdbcClient jdbc, TransactionalJobs jobs, JsonMapper json, Clock clock, SalesReports sales,
            @Value("${headroom.reports.inline:false}") boolean inline) {
        this.jdbc = jdbc;
        this.jobs = jobs;
        this.json = json;
        this.clock = clock;
        this.sales = sales;
        this.inline = inline;
    }

    @Transactional
    public Report request(LocalDate from, LocalDate to) {
        var tenant = CurrentTenant.require();
        long id = jdbc.sql("""
                        INSERT INTO reporting.report (tenant_id, status, from_day, to_day, created_at)
                        VALUES (?, 'QUEUED', ?, ?, ?) RETURNING id""")
                .params(tenant.value(), Date.valueOf(from), Date.valueOf(to), Timestamp.from(clock.instant()))
                .query(Long.class).single();
        if (inline) {
            sales.computeInline(tenant, id); // naive mode: inside the request, holding its connection
        } else {
            jobs.enqueue(NewJob.builder(QUEUE, tenant.toString(), COMPUTE).payload(json.writeValueAsString(Map.of("reportId", id)))
                    .dedupKey("report-" + id).build());
        }
        return get(id).orElseThrow();
    }

    @Transactional(readOnly = true)
    public Optional<Report> get(long id) {
        return jdbc.sql(BY_ID).params(CurrentTenant.require().value(), id).query(this::report).optional();
    }

    private Report report(ResultSet rs, int row) throws SQLException {
        String result = rs.getString("result");
        Timestamp finished = rs.getTimestamp("finished_at");
        return new Report(rs.getLong("id"), rs.getString("status"), rs.getDate("from_day").toLocalDate(),
                rs.getDate("to_day").toLocalDate(), result == null ? null : json.readTree(result), rs.getString("error"),
                rs.getTimestamp("created_at").toInstant(), finished == null ? null : finished.toInstant());
    }
}
