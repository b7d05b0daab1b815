package io.headroom.postgres;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * One Flyway migration history per schema, so that each module owns its schema and its migrations and
 * never has to agree on version numbers with another module.
 *
 * <p>A jar declares the schemas it owns in {@value #INDEX}, one name a line ({@code #} starts a comment), and
 * keeps each schema's scripts under {@code db/migration/<schema>/}. The history of schema {@code s} is the
 * table {@code s.flyway_schema_history}. Schemas are migrated in class-path order; no schema may refer to
 * another's tables, so the order carries no meaning.
 */
public final class SchemaMigrations {

    /** The class-path resource listing the schemas a jar owns. */
    public static final String INDEX = "META-INF/headroom/schemas";

    private final ClassLoader classLoader;
    private final List<String> schemas;

    private SchemaMigrations(ClassLoader classLoader, List<String> schemas) {
        this.classLoader = classLoader;
        this.schemas = List.copyOf(schemas);
    }

    /** The schemas declared by every {@value #INDEX} on the class path of {@code classLoader}. */
    public static SchemaMigrations onClasspath(ClassLoader classLoader) {
        Set<String> schemas = new LinkedHashSet<>();
        try {
            for (URL index : Collections.list(classLoader.getResources(INDEX))) {
                try (BufferedReader reader = new BufferedReader(new InputStreamReader(index.openStream(), StandardCharsets.UTF_8))) {
                    reader.lines().map(line -> line.replaceFirst("#.*", "").trim()).filter(line -> !line.isEmpty()).forEach(schema -> {
                        if (!schema.matches("[a-z][a-z0-9_]{0,62}")) {
                            throw new IllegalStateException(index + " names an invalid schema '" + schema + "'");
                        }
                        if (!schemas.add(schema)) {
                            throw new IllegalStateException("schema '" + schema + "' is declared twice on the class path (again in " + index + ")");
                        }
                    });
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + INDEX + " from the class path", e);
        }
        return new SchemaMigrations(classLoader, new ArrayList<>(schemas));
    }

    /** The schemas, in the order they are migrated. */
    public List<String> schemas() {
        return schemas;
    }

    /** Brings every schema up to date; a changed, already-applied script fails validation and stops the run. */
    public void migrate(DataSource dataSource) {
        for (String schema : schemas) {
            flyway(dataSource, schema).migrate();
        }
    }

    Flyway flyway(DataSource dataSource, String schema) {
        return Flyway.configure(classLoader)
                .dataSource(dataSource)
                .schemas(schema)
                .locations("classpath:db/migration/" + schema)
                .table("flyway_schema_history")
                .validateMigrationNaming(true)
                .failOnMissingLocations(false)
                .load();
    }
}
