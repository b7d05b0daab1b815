package io.headroom.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Each module reads and writes only its own schema: every {@code schema.table} named in a module's SQL (its
 * Java sources and its migrations) belongs to that module's schema. The tables are taken from the migrations, so
 * a new table is covered without touching this test. The jobs schema belongs to headroom-jobs: modules reach it
 * only through the JobQueue API.
 */
class SchemaOwnershipTest {

    static final Path SOURCES = Path.of("src/main/java/io/headroom/app");
    static final Path MIGRATIONS = Path.of("src/main/resources/db/migration");
    static final Path JOBS_MIGRATIONS = Path.of("../platform/headroom-jobs/src/main/resources/db/migration/jobs");
    static final Map<String, String> SCHEMA_OF_MODULE = Map.of("tenants", "tenants", "catalog", "catalog", "orders", "orders",
            "payments", "payments", "notifications", "notifications", "reporting", "reporting");
    static final Pattern CREATE_TABLE = Pattern.compile("CREATE TABLE (?:IF NOT EXISTS )?([a-z_]+)\\.([a-z_0-9]+)", Pattern.CASE_INSENSITIVE);

    @Test
    void everyModuleNamesOnlyTablesOfItsOwnSchema() throws IOException {
        Map<String, Set<String>> tables = tables();
        assertThat(tables.keySet()).contains("catalog", "orders", "jobs");
        Pattern reference = referencePattern(tables);

        List<String> violations = new ArrayList<>();
        int references = 0;
        try (Stream<Path> modules = Files.list(SOURCES)) {
            for (Path module : modules.filter(Files::isDirectory).toList()) {
                String own = SCHEMA_OF_MODULE.get(module.getFileName().toString());
                for (Path file : files(module, ".java")) {
                    Matcher m = reference.matcher(Files.readString(file));
                    while (m.find()) {
                        references++;
                        if (!m.group(1).equals(own)) {
                            violations.add(SOURCES.relativize(file) + " names " + m.group() + " (module schema: " + own + ")");
                        }
                    }
                }
            }
        }
        for (String schema : SCHEMA_OF_MODULE.values()) {
            for (Path file : files(MIGRATIONS.resolve(schema), ".sql")) {
                Matcher m = reference.matcher(Files.readString(file));
                while (m.find()) {
                    references++;
                    if (!m.group(1).equals(schema)) {
                        violations.add(MIGRATIONS.relativize(file) + " names " + m.group());
                    }
                }
            }
        }

        System.out.println("[schemas] " + references + " table references checked in " + SCHEMA_OF_MODULE.size() + " modules");
        assertThat(references).as("the scan finds the SQL at all").isGreaterThan(40);
        assertThat(violations).isEmpty();
    }

    @Test
    void theScanCatchesAForeignTable() throws IOException {
        Pattern reference = referencePattern(tables());
        Matcher m = reference.matcher("jdbc.sql(\"SELECT * FROM orders.orders o JOIN catalog.product p ON ...\")");
        List<String> found = new ArrayList<>();
        while (m.find()) {
            found.add(m.group());
        }
        assertThat(found).containsExactly("orders.orders", "catalog.product");
    }

    private static Map<String, Set<String>> tables() throws IOException {
        Map<String, Set<String>> tables = new HashMap<>();
        List<Path> scripts = new ArrayList<>(files(MIGRATIONS, ".sql"));
        scripts.addAll(files(JOBS_MIGRATIONS, ".sql"));
        for (Path script : scripts) {
            Matcher m = CREATE_TABLE.matcher(Files.readString(script));
            while (m.find()) {
                tables.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(m.group(2));
            }
        }
        return tables;
    }

    private static Pattern referencePattern(Map<String, Set<String>> tables) {
        return Pattern.compile("\\b(" + String.join("|", tables.keySet()) + ")\\.(?:" + String.join("|",
                tables.values().stream().flatMap(Set::stream).distinct().toList()) + ")\\b");
    }

    private static List<Path> files(Path dir, String suffix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
        }
    }
}
