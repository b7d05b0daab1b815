package io.headroom.app.notifications;

import io.headroom.app.tenants.CurrentTenant;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** What was sent: the current tenant's emails per status. */
@Service
public class Notifications {

    public static final String QUEUE = "notifications";
    public static final String SEND = "notifications.send";

    private final JdbcClient jdbc;

    Notifications(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Transactional(readOnly = true)
    public Map<String, Long> countsByStatus() {
        Map<String, Long> counts = new java.util.TreeMap<>();
        jdbc.sql("SELECT status, count(*) FROM notifications.email WHERE tenant_id = ? GROUP BY status")
                .param(CurrentTenant.require().value())
                .query(rs -> {
                    counts.put(rs.getString(1), rs.getLong(2));
                });
        return counts;
    }
}
