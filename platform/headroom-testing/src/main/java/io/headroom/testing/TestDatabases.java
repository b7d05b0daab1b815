package io.headroom.testing;

import io.headroom.postgres.PostgresResolver;
import io.headroom.postgres.ResolvedDatabase;
import io.headroom.postgres.SchemaMigrations;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.flywaydb.core.api.FlywayException;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Makes and drops the per-class test databases on the resolved server (one per JVM). A template database,
 * named after the set of schemas on the class path, holds the migrated schemas; each test database is a copy
 * of it ({@code CREATE DATABASE ... TEMPLATE}), which takes milliseconds where migrating would take seconds.
 * An advisory lock orders template work between JVMs that share the server.
 */
final class TestDatabases {

    private static final String PREFIX = "headroom_test_";
    private static final String TEMPLATE_PREFIX = "headroom_template_";
    /** Databases left by a run that was killed are dropped once they are this old. */
    private static final Duration STALE_AFTER = Duration.ofHours(2);
    private static final long TEMPLATE_LOCK = 0x4865616472L; // "Headr"
    private static final SecureRandom RANDOM = new SecureRandom();

    private static ResolvedDatabase server;
    private static final Set<String> templatesReady = new HashSet<>();

    private TestDatabases() {
    }

    static synchronized TestDatabase create(Class<?> testClass) {
        ResolvedDatabase resolved = server();
        SchemaMigrations migrations = SchemaMigrations.onClasspath(testClass.getClassLoader());
        String template = templateFor(testClass.getClassLoader());
        String name = PREFIX + Long.toString(Instant.now().getEpochSecond(), 36) + "_"
                + Integer.toString(RANDOM.nextInt(36 * 36 * 36), 36) + "_" + sanitize(testClass.getSimpleName());
        name = name.substring(0, Math.min(name.length(), 63));
        try (Connection admin = DriverManager.getConnection(resolved.jdbcUrl()); Statement sql = admin.createStatement()) {
            sql.execute("SELECT pg_advisory_lock(" + TEMPLATE_LOCK + ")");
            try {
                if (!templatesReady.contains(template)) {
                    prepareTemplate(sql, resolved, template, migrations);
                    templatesReady.add(template);
                }
                sql.execute("CREATE DATABASE " + PostgresResolver.quoteIdentifier(name) + " TEMPLATE " + PostgresResolver.quoteIdentifier(template));
            } finally {
                sql.execute("SELECT pg_advisory_unlock(" + TEMPLATE_LOCK + ")");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name + " on " + resolved + ": " + e.getMessage(), e);
        }
        System.out.printf("[headroom-testing] %s -> fresh database %s (template %s with schemas %s, %s)%n",
                testClass.getSimpleName(), name, template, migrations.schemas(), resolved);
        return new TestDatabase(name, resolved.urlFor(name));
    }

    /** The template made for the schemas on {@code loader}'s class path. */
    static String templateFor(ClassLoader loader) {
        return TEMPLATE_PREFIX + fingerprint(SchemaMigrations.onClasspath(loader).schemas());
    }

    /** Makes the next {@link #create} check its template against the scripts again, as a new JVM would. */
    static synchronized void forgetCheckedTemplates() {
        templatesReady.clear();
    }

    static synchronized void drop(TestDatabase database) {
        try (Connection admin = DriverManager.getConnection(server().jdbcUrl()); Statement sql = admin.createStatement()) {
            sql.execute("DROP DATABASE IF EXISTS " + PostgresResolver.quoteIdentifier(database.name()) + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop test database " + database.name() + ": " + e.getMessage(), e);
        }
        System.out.printf("[headroom-testing] dropped database %s%n", database.name());
    }

    /** The server, resolved once per JVM; an embedded server started here is stopped when the JVM exits. */
    private static ResolvedDatabase server() {
        if (server == null) {
            server = PostgresResolver.fromEnvironment().resolveStoppingAtExit();
            dropStale(server);
        }
        return server;
    }

    private static void prepareTemplate(Statement sql, ResolvedDatabase resolved, String template, SchemaMigrations migrations)
            throws SQLException {
        createIfMissing(sql, template);
        try {
            migrations.migrate(dataSource(resolved.urlFor(template)));
        } catch (FlywayException changed) {
            // An applied script was edited since the template was made: start the template over.
            System.out.printf("[headroom-testing] template %s is out of date (%s); rebuilding it%n", template, changed.getMessage().lines().findFirst().orElse(""));
            sql.execute("DROP DATABASE " + PostgresResolver.quoteIdentifier(template) + " WITH (FORCE)");
            createIfMissing(sql, template);
            migrations.migrate(dataSource(resolved.urlFor(template)));
        }
    }

    private static void createIfMissing(Statement sql, String database) throws SQLException {
        try (ResultSet rs = sql.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database + "'")) {
            if (rs.next()) {
                return;
            }
        }
        sql.execute("CREATE DATABASE " + PostgresResolver.quoteIdentifier(database));
    }

    private static void dropStale(ResolvedDatabase resolved) {
        long cutoff = Instant.now().minus(STALE_AFTER).getEpochSecond();
        try (Connection admin = DriverManager.getConnection(resolved.jdbcUrl()); Statement sql = admin.createStatement()) {
            List<String> stale = new ArrayList<>();
            try (ResultSet rs = sql.executeQuery("SELECT datname FROM pg_database WHERE datname LIKE '" + PREFIX + "%'")) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    String stamp = name.substring(PREFIX.length()).split("_", 2)[0];
                    try {
                        if (Long.parseLong(stamp, 36) < cutoff) {
                            stale.add(name);
                        }
                    } catch (NumberFormatException notOurs) {
                        // A database named like ours but not made by us: leave it alone.
                    }
                }
            }
            for (String name : stale) {
                sql.execute("DROP DATABASE IF EXISTS " + PostgresResolver.quoteIdentifier(name) + " WITH (FORCE)");
                System.out.printf("[headroom-testing] dropped stale database %s%n", name);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list test databases on " + resolved + ": " + e.getMessage(), e);
        }
    }

    private static PGSimpleDataSource dataSource(String url) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(url);
        return dataSource;
    }

    static String fingerprint(List<String> schemas) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(String.join(",", schemas).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 5);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    private static String sanitize(String simpleName) {
        return simpleName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }
}
