package io.headroom.app.commerce;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.headroom.app.AppTest;
import io.headroom.jobs.JobQueue;
import io.headroom.jobs.JobRegistration;
import io.headroom.jobs.NewJob;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The database bulkheads: three pools sized from the connection budget, job and report work drawing from their
 * own pool, and a request that cannot get a connection before its deadline answered 503 at its deadline.
 */
@AppTest
class DatabasePoolsTest extends CommerceTestSupport {

    static final CompletableFuture<String> REPORTS_HANDLER_SAW = new CompletableFuture<>();

    @TestConfiguration
    static class Probe {
        @Bean
        JobRegistration poolProbe(DataSource dataSource, @Qualifier("reportsDataSource") HikariDataSource reports,
                                  @Qualifier("requestsDataSource") HikariDataSource requests) {
            return new JobRegistration("reports", "probe.pool", (job, ctx) -> {
                int requestsBefore = active(requests);
                try (Connection c = dataSource.getConnection()) {
                    REPORTS_HANDLER_SAW.complete("reports " + active(reports) + ", requests +" + (active(requests) - requestsBefore));
                }
            });
        }
    }

    /** Connections in use; pools start on their first connection. */
    static int active(HikariDataSource pool) {
        return pool.getHikariPoolMXBean() == null ? 0 : pool.getHikariPoolMXBean().getActiveConnections();
    }

    @Autowired
    @Qualifier("requestsDataSource")
    HikariDataSource requests;

    @Autowired
    @Qualifier("jobsDataSource")
    HikariDataSource jobs;

    @Autowired
    @Qualifier("reportsDataSource")
    HikariDataSource reports;

    @Autowired
    DataSource dataSource;

    @Autowired
    JobQueue queue;

    @Test
    void threePoolsShareTheBudgetAndEachWorkloadUsesItsOwn() throws Exception {
        assertThat(List.of(requests.getMaximumPoolSize(), jobs.getMaximumPoolSize(), reports.getMaximumPoolSize()))
                .as("50/35/15%% of 20").containsExactly(10, 7, 3);
        assertThat(List.of(requests.getPoolName(), jobs.getPoolName(), reports.getPoolName()))
                .containsExactly("headroom-requests", "headroom-jobs", "headroom-reports");

        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            queue.enqueue(c, NewJob.builder("reports", "tenant-p", "probe.pool").build());
            c.commit();
        }

        assertThat(REPORTS_HANDLER_SAW.get(30, TimeUnit.SECONDS)).isEqualTo("reports 1, requests +0");
    }

    @Test
    void aRequestThatCannotGetAConnectionBeforeItsDeadlineGets503AtTheDeadline() throws Exception {
        Tenant shop = tenant("Starved Shop");
        long product = product(shop, "cup", 100, 1);
        List<Connection> held = new ArrayList<>();
        try {
            for (int i = 0; i < requests.getMaximumPoolSize(); i++) {
                held.add(requests.getConnection());
            }
            long start = System.nanoTime();
            Response starved = call("GET", "/v1/products/" + product, shop.key(), null, "Request-Timeout", "300");
            long tookMillis = (System.nanoTime() - start) / 1_000_000;

            assertThat(starved.status()).isEqualTo(503);
            assertThat(starved.json().get("type").asString()).endsWith("/deadline-exceeded");
            System.out.printf("[pools] a request with a 300 ms deadline and no free connection was answered in %d ms "
                    + "(the pool's own timeout is %d ms)%n", tookMillis, requests.getConnectionTimeout());
        } finally {
            for (Connection c : held) {
                c.close();
            }
        }
        assertThat(call("GET", "/v1/products/" + product, shop.key(), null).status()).isEqualTo(200);
    }
}
