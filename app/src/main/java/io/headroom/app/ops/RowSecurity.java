package io.headroom.app.ops;

import io.headroom.admission.Deadline;
import io.headroom.app.tenants.CurrentTenant;
import io.headroom.app.tenants.TenantId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.TransactionDefinition;

/**
 * Row-level security as the second line behind the API's tenant filters. Tenant-owned tables have a policy
 * {@code tenant_id = current_setting('headroom.tenant')}; every transaction opened while a tenant is bound
 * ({@link CurrentTenant}) sets that setting, so a query that forgets its {@code WHERE tenant_id = ?} still
 * sees only that tenant's rows.
 *
 * <p>Superusers and {@code BYPASSRLS} roles skip every policy, and locally the app connects as {@code postgres}.
 * So when the app's user is one of those, tenant transactions also switch to {@value #ROLE}, a role without
 * those rights that is granted what the app's schemas need; both settings are transaction-local and go in one
 * round trip. An ordinary owner role needs no switch: the tables {@code FORCE ROW LEVEL SECURITY}.
 */
final class RowSecurity {

    static final String ROLE = "headroom_tenant";
    private static final Logger log = LoggerFactory.getLogger(RowSecurity.class);

    private final Clock clock;
    private volatile Boolean switchRole;

    RowSecurity(Clock clock) {
        this.clock = clock;
    }

    /** Creates {@value #ROLE} if needed and grants it the schemas; run after every migration (idempotent). */
    static void grant(DataSource dataSource, List<String> schemas) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            if (!bypassesPolicies(c)) {
                return;
            }
            try {
                s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + ROLE + "') THEN CREATE ROLE "
                        + ROLE + " NOLOGIN NOSUPERUSER NOBYPASSRLS; END IF; END $$");
            } catch (SQLException e) {
                // Another instance created it at the same moment (duplicate_object / unique_violation): fine.
                if (!"42710".equals(e.getSQLState()) && !"23505".equals(e.getSQLState())) {
                    throw e;
                }
            }
            s.execute("GRANT " + ROLE + " TO CURRENT_USER");
            for (String schema : schemas) {
                s.execute("GRANT USAGE ON SCHEMA " + schema + " TO " + ROLE);
                s.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA " + schema + " TO " + ROLE);
                s.execute("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA " + schema + " TO " + ROLE);
            }
        }
    }

    private static boolean bypassesPolicies(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    /**
     * Scopes a new transaction to the bound tenant and deadline, if there are any, in one round trip: row-level
     * security for the tenant, and {@code statement_timeout} = the time left before the deadline, so that no
     * statement outlives its request. A deadline that has passed stops the transaction before any SQL is sent.
     */
    void begin(Connection transaction) throws SQLException {
        Optional<TenantId> tenant = CurrentTenant.get();
        Optional<Deadline> deadline = Deadline.current();
        if (tenant.isEmpty() && deadline.isEmpty()) {
            return;
        }
        List<String> settings = new ArrayList<>();
        List<String> values = new ArrayList<>();
        if (deadline.isPresent()) {
            deadline.get().check(clock, "a database transaction");
            settings.add("set_config('statement_timeout', ?, true)");
            values.add(Math.max(1, deadline.get().remaining(clock).toMillis()) + "ms");
        }
        if (tenant.isPresent()) {
            Boolean sw = switchRole;
            if (sw == null) {
                sw = bypassesPolicies(transaction);
                switchRole = sw;
                log.info("row-level security: {}", sw ? "tenant transactions switch to role " + ROLE : "enforced on the app's own role");
            }
            if (sw) {
                settings.add("set_config('role', '" + ROLE + "', true)");
            }
            settings.add("set_config('headroom.tenant', ?, true)");
            values.add(tenant.get().toString());
        }
        try (PreparedStatement ps = transaction.prepareStatement("SELECT " + String.join(", ", settings))) {
            for (int i = 0; i < values.size(); i++) {
                ps.setString(i + 1, values.get(i));
            }
            ps.execute();
        }
    }

    /** The app's transaction manager: Spring's JDBC one, with {@link #begin} on every new transaction. */
    static final class TransactionManager extends JdbcTransactionManager {

        private final transient RowSecurity rowSecurity;

        TransactionManager(DataSource dataSource, RowSecurity rowSecurity) {
            super(dataSource);
            this.rowSecurity = rowSecurity;
        }

        @Override
        protected void prepareTransactionalConnection(Connection con, TransactionDefinition definition) throws SQLException {
            super.prepareTransactionalConnection(con, definition);
            rowSecurity.begin(con);
        }
    }
}
