package io.headroom.lab.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import org.junit.jupiter.api.Test;

class PrometheusScraperTest {

    private static final String SCRAPE = """
            # HELP headroom_admission_limit The adaptive limit
            # TYPE headroom_admission_limit gauge
            headroom_admission_limit 40.0
            headroom_admission_in_flight 10.0
            hikaricp_connections_pending{pool="requests"} 2.0
            hikaricp_connections_pending{pool="jobs"} 1.0
            hikaricp_connections{pool="requests"} 10.0
            hikaricp_connections{pool="jobs"} 4.0
            headroom_jobs_oldest_ready_age_seconds{queue="payments",tenant="acme"} 0.5
            headroom_jobs_oldest_ready_age_seconds{queue="emails",tenant="acme"} 2.5
            jvm_memory_usage_after_gc{area="heap",pool="long-lived"} 0.012
            headroom_db_dead_tuples{table="orders.orders"} 700.0
            headroom_db_dead_tuples{table="jobs.job_g0"} 300.0
            headroom_jobs_table_dead_tuples{table="job_g0"} 300.0
            headroom_jobs_table_dead_tuples{table="job_g1"} 20.0
            headroom_calls_breaker_state{dependency="payments"} 1.0
            headroom_calls_breaker_state{dependency="email"} 0.0
            not_a_sample
            """;

    @Test
    void signalsSumPoolsAndTablesAndTakeTheWorstQueueAge() {
        var signals = PrometheusScraper.signals(PrometheusScraper.parse(SCRAPE));

        assertThat(signals).contains(entry("limiter_utilisation", 0.25), entry("admission_limit", 40.0),
                entry("pool_pending", 3.0), entry("connections", 14.0), entry("queue_age_s", 2.5),
                entry("heap_after_gc", 0.012), entry("breakers_open", 1.0));
        assertThat(signals).as("all app tables, the queue's included").containsEntry("dead_tuples", 1000.0);
        assertThat(signals).as("the job queue's own tables alone").containsEntry("job_dead_tuples", 320.0);
    }

    @Test
    void aSignalTheTargetDoesNotExposeIsAbsentNotZero() {
        var signals = PrometheusScraper.signals(PrometheusScraper.parse("process_cpu_usage 0.5\n"));

        assertThat(signals).containsOnlyKeys("cpu");
    }
}
