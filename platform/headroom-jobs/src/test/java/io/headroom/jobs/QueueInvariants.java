package io.headroom.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/** What must hold after every queue test, whatever the test did. */
final class QueueInvariants {

    private QueueInvariants() {
    }

    static void assertHold(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            assertThat(count(s, "SELECT count(*) FROM (SELECT id FROM jobs.job GROUP BY id HAVING count(*) > 1) twice"))
                    .as("a job in two generations at once").isZero();
            assertThat(count(s, "SELECT count(*) FROM jobs.job j JOIN jobs.dead_job d USING (id)"))
                    .as("a job both unfinished and dead").isZero();
            assertThat(count(s, "SELECT count(*) FROM jobs.job WHERE attempts > max_attempts"))
                    .as("unfinished jobs past their attempts").isZero();
            assertThat(count(s, "SELECT count(*) FROM jobs.dead_job WHERE attempts > max_attempts"))
                    .as("dead jobs past their attempts").isZero();
            assertThat(count(s, "SELECT count(*) FROM jobs.job WHERE state = 'pending' AND (lease_owner IS NOT NULL OR lease_expires_at IS NOT NULL)"))
                    .as("pending jobs holding a lease").isZero();
            assertThat(count(s, "SELECT count(*) FROM jobs.job WHERE state = 'running' AND (lease_owner IS NULL OR lease_expires_at IS NULL)"))
                    .as("running jobs without a lease").isZero();
            assertThat(count(s, "SELECT count(*) FROM jobs.dedup d WHERE NOT EXISTS (SELECT 1 FROM jobs.job j WHERE j.id = d.job_id)"))
                    .as("dedup keys of finished jobs").isZero();
            assertThat(count(s, "SELECT count(*) FROM jobs.job j WHERE dedup_key IS NOT NULL AND NOT EXISTS "
                    + "(SELECT 1 FROM jobs.dedup d WHERE d.job_id = j.id AND d.queue = j.queue AND d.dedup_key = j.dedup_key)"))
                    .as("unfinished jobs whose dedup key is not held").isZero();
        }
    }

    static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
