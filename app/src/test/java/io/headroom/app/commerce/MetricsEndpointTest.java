package io.headroom.app.commerce;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.app.AppTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** The metrics an operator and the lab read, through the real Prometheus endpoint after real requests. */
@AppTest
class MetricsEndpointTest extends CommerceTestSupport {

    @Autowired
    JdbcClient jdbc;

    @Test
    void prometheusShowsGoldenSignalsSaturationAndGrowth() throws Exception {
        Tenant shop = tenant("Metered Shop");
        long product = product(shop, "meter", 700, 10);
        long order = placeOrder(shop, order(product, 1, "4242424242424242")).json().get("id").asLong();
        awaitOrder(shop, order, status("PAID"));
        call("GET", "/v1/products/999999", shop.key(), null);

        String metrics = scrape();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!metrics.contains("headroom_db_dead_tuples") && System.nanoTime() < deadline) {
            Thread.sleep(200);
            metrics = scrape();
        }

        assertThat(metrics).as("latency per route and class, with SLO buckets")
                .containsPattern("http_server_requests_seconds_bucket\\{[^}]*class=\"CRITICAL\"[^}]*uri=\"/v1/orders\"[^}]*le=\"0\\.3\"")
                .containsPattern("http_server_requests_seconds_count\\{[^}]*class=\"DEFAULT\"[^}]*status=\"404\"[^}]*uri=\"/v1/products/\\{id\\}\"");
        assertThat(metrics).as("no long-task timer beside each observation's timer (management.metrics.observations.ignored-meters)")
                .doesNotContain("http_server_requests_active_seconds");
        assertThat(metrics).as("admission")
                .contains("headroom_admission_limit", "headroom_admission_in_flight", "headroom_admission_queued{class=\"CRITICAL\"}")
                .containsPattern("headroom_admission_admitted_total\\{class=\"CRITICAL\",tenant=\"" + shop.id() + "\"\\} 1(\\.0)?\\b");
        assertThat(metrics).as("pools per workload")
                .contains("hikaricp_connections_pending{pool=\"headroom-requests\"}", "hikaricp_connections_active{pool=\"headroom-jobs\"}");
        assertThat(metrics).as("dependencies")
                .contains("headroom_calls_breaker_state{dependency=\"payments\"}", "headroom_calls_retry_budget{dependency=\"email\"}")
                .containsPattern("headroom_calls_attempts_seconds_count\\{dependency=\"payments\",outcome=\"success\"\\} 1(\\.0)?\\b");
        assertThat(metrics).as("queue").contains("headroom_jobs_completed_total", "headroom_jobs_claimed_total", "headroom_jobs_table_dead_tuples{table=\"job_g0\"}");
        assertThat(metrics).as("database growth")
                .containsPattern("headroom_db_dead_tuples\\{table=\"orders\\.orders\"\\}")
                .contains("headroom_db_xmin_horizon_age_seconds", "headroom_db_autovacuum_age_seconds{table=\"jobs.job_g0\"}");
        boolean autovacuum = jdbc.sql("SELECT current_setting('autovacuum')::boolean").query(Boolean.class).single();
        assertThat(metrics).as("whether the server vacuums at all (it is %s here)", autovacuum ? "on" : "off")
                .containsPattern("headroom_db_autovacuum_enabled " + (autovacuum ? "1" : "0") + "(\\.0)?\\b");
        assertThat(metrics).as("SLOs").contains("headroom_slo_burn_rate{slo=\"checkout-availability\",window=\"5m\"}",
                "headroom_slo_budget_remaining{slo=\"reads-latency\"}", "headroom_slo_alert{severity=\"page\",slo=\"checkout-latency\"}");
        JsonNode slos = call("GET", "/ops/slos", OPERATOR_KEY, null).json();
        assertThat(slos.findValuesAsString("name")).containsExactly("checkout-availability", "checkout-latency", "reads-availability", "reads-latency");
        assertThat(slos.get(0).get("total").asLong()).as("the checkout counted").isGreaterThanOrEqualTo(1);
        assertThat(metrics).as("JVM").contains("jvm_memory_usage_after_gc", "jvm_gc_overhead", "jvm_threads_live_threads", "process_cpu_usage",
                "jvm_threads_virtual_pinned_seconds");
        if (Runtime.version().feature() >= 24) {
            // The JDK reports its virtual-thread scheduler from 24 on.
            assertThat(metrics).as("virtual threads").contains("jvm_threads_virtual_live_threads");
        }
        assertThat(metrics).as("statement latency per pool").containsPattern(
                "headroom_db_statement_seconds_count\\{pool=\"headroom-requests\",verb=\"SELECT\"\\} [1-9]");
    }

    private String scrape() {
        Response r = call("GET", "/actuator/prometheus", null, null);
        assertThat(r.status()).isEqualTo(200);
        return r.body();
    }
}
