package io.headroom.app.ops;

import io.headroom.postgres.SchemaMigrations;
import java.sql.SQLException;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Migrates each module's schema with its own Flyway history ({@link SchemaMigrations}) instead of one
 * shared history, so modules never coordinate version numbers. Spring Boot's Flyway integration still
 * decides <em>when</em>: before any bean that uses the database. After migrating, grants the tenant role what
 * it needs ({@link RowSecurity}); the transaction manager scopes tenant transactions with it.
 */
@Configuration(proxyBeanMethods = false)
class SchemaPerModuleMigrations {

    @Bean
    FlywayMigrationStrategy schemaPerModule() {
        return flyway -> {
            // This class's loader sees the app's and the libraries' scripts, also inside the executable jar.
            SchemaMigrations migrations = SchemaMigrations.onClasspath(SchemaPerModuleMigrations.class.getClassLoader());
            DataSource dataSource = flyway.getConfiguration().getDataSource();
            migrations.migrate(dataSource);
            try {
                RowSecurity.grant(dataSource, migrations.schemas());
            } catch (SQLException e) {
                throw new IllegalStateException("could not grant the tenant role its schemas: " + e.getMessage(), e);
            }
        };
    }

    @Bean
    RowSecurity rowSecurity(Clock clock) {
        return new RowSecurity(clock);
    }

    @Bean
    PlatformTransactionManager transactionManager(DataSource dataSource, RowSecurity rowSecurity) {
        return new RowSecurity.TransactionManager(dataSource, rowSecurity);
    }
}
