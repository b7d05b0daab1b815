package io.headroom.app.ops;

import io.headroom.postgres.SchemaMigrations;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Migrates each module's schema with its own Flyway history ({@link SchemaMigrations}) instead of one
 * shared history, so modules never coordinate version numbers. Spring Boot's Flyway integration still
 * decides <em>when</em>: before any bean that uses the database.
 */
@Configuration(proxyBeanMethods = false)
class SchemaPerModuleMigrations {

    @Bean
    FlywayMigrationStrategy schemaPerModule() {
        // This class's loader sees the app's and the libraries' scripts, also inside the executable jar.
        return flyway -> SchemaMigrations.onClasspath(SchemaPerModuleMigrations.class.getClassLoader())
                .migrate(flyway.getConfiguration().getDataSource());
    }
}
