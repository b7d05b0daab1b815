package io.headroom.app.commerce;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.app.AppTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * deploy/grafana/headroom-dashboard.json shows what the app's own dashboard shows, from metrics the app really
 * exposes: every metric a panel's query names is in {@code /actuator/prometheus} after real traffic.
 */
@AppTest
class GrafanaDashboardTest extends CommerceTestSupport {

    static final Path DASHBOARD = Path.of("..", "deploy", "grafana", "headroom-dashboard.json");
    /** Metric names in PromQL: our prefixes, so functions, labels and keywords are not mistaken for metrics. */
    static final Pattern METRIC = Pattern.compile("\\b(?:headroom|http_server|hikaricp|jvm|process)_[a-z0-9_]+");

    @Test
    void everyPanelQueriesMetricsTheAppExposesAndTheAppDashboardsSignalsAreAllThere() throws Exception {
        JsonNode dashboard = JSON.readTree(Files.readString(DASHBOARD));
        assertThat(dashboard.get("uid").asString()).isEqualTo("headroom");
        List<String> titles = new ArrayList<>();
        List<String> queries = new ArrayList<>();
        for (JsonNode panel : dashboard.get("panels")) {
            titles.add(panel.get("title").asString());
            assertThat(panel.at("/datasource/type").asString()).isEqualTo("prometheus");
            assertThat(panel.get("targets")).as(panel.get("title").asString()).isNotEmpty();
            panel.get("targets").forEach(t -> queries.add(t.get("expr").asString()));
        }
        assertThat(String.join("\n", titles).toLowerCase()).contains("traffic", "errors", "shed", "latency", "concurrency limit",
                "tenant", "breakers", "queue depth", "age", "dead letters", "connection pools", "burn rate", "budget");

        driveEveryKindOfEvent();
        String scrape = call("GET", "/actuator/prometheus", null, null).body();
        Set<String> exposed = scrape.lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                .map(l -> l.split("[{ ]", 2)[0]).collect(Collectors.toSet());
        Set<String> named = new java.util.TreeSet<>();
        for (String q : queries) {
            Matcher m = METRIC.matcher(q);
            while (m.find()) {
                named.add(m.group());
            }
        }
        if (Runtime.version().feature() < 24) {
            named.remove("jvm_threads_virtual_live_threads"); // the JDK reports its virtual-thread scheduler from 24 on
        }
        assertThat(named).hasSizeGreaterThanOrEqualTo(20);
        assertThat(exposed).as("metrics the Grafana panels query").containsAll(named);
    }

    /** A paid order, a shed request, retried provider calls and a dead letter, so that every lazily registered meter exists. */
    private void driveEveryKindOfEvent() throws Exception {
        Tenant shop = tenant("Grafana Shop");
        long product = product(shop, "mug", 1200, 10);
        long paid = placeOrder(shop, order(product, 1, "4242424242424242")).json().get("id").asLong();
        awaitOrder(shop, paid, status("PAID"));

        Response free = call("POST", "/admin/tenants", OPERATOR_KEY, "{\"name\":\"Grafana Free\",\"plan\":\"free\"}");
        String freeKey = free.json().get("apiKey").asString();
        int refused = 0;
        for (int i = 0; i < 30; i++) {
            refused += call("GET", "/v1/products", freeKey, null).status() == 429 ? 1 : 0;
        }
        assertThat(refused).as("a free tenant's burst over its quota is shed").isPositive();

        // Every charge answered 503: the call policy retries (the retry counter exists), then the job gives up.
        providers("PUT", "/faults/payments", "{\"errorRate\":1.0,\"errorStatuses\":[503]}");
        long retried = placeOrder(shop, order(product, 1, "4242424242424242")).json().get("id").asLong();
        awaitOrder(shop, retried, status("PAYMENT_STUCK"));
    }
}
