package io.headroom.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.headroom.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

@AppTest
class AppStartsOnItsOwnDatabaseTest {

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @Autowired
    JdbcClient jdbc;

    @Test
    void healthIsUpOverRealHttp() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JsonMapper.builder().build().readTree(response.body()).get("status").asString()).isEqualTo("UP");
    }

    @Test
    void usesTheTestClassDatabase(TestDatabase database) throws Exception {
        assertThat(dataSource.unwrap(HikariDataSource.class).getJdbcUrl()).isEqualTo(database.jdbcUrl());
        assertThat(jdbc.sql("SELECT current_database()").query(String.class).single()).isEqualTo(database.name());
    }

    @Test
    void everySchemaIsMigratedWithAHistoryOfItsOwn() {
        List<String> schemas = List.of("jobs", "tenants", "catalog", "orders", "payments", "notifications", "reporting");
        for (String schema : schemas) {
            Integer applied = jdbc.sql("SELECT count(*) FROM " + schema + ".flyway_schema_history WHERE version = '1' AND success")
                    .query(Integer.class).single();
            assertThat(applied).as("V1 applied in schema %s", schema).isEqualTo(1);
        }
    }

    @Test
    void growingTablesWithUpdatedRowsAreVacuumedByCountNotByShare() {
        for (String table : List.of("orders.orders", "orders.idempotency_key", "payments.charge", "notifications.email", "reporting.report")) {
            List<String> options = jdbc.sql("SELECT unnest(reloptions) FROM pg_class WHERE oid = ?::regclass")
                    .param(table).query(String.class).list();
            assertThat(options).as(table).contains("autovacuum_vacuum_scale_factor=0", "autovacuum_vacuum_threshold=5000", "fillfactor=90");
        }
    }
}
