package io.headroom.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The embedded server from real binaries, real processes and a real data directory. */
class EmbeddedPostgresTest {

    private final Path home = Path.of("target", "embedded-" + UUID.randomUUID()).toAbsolutePath();
    private EmbeddedPostgres embedded;

    @AfterEach
    void removeServer() {
        if (embedded != null) {
            embedded.stop();
            PostgresBinaries.deleteTree(embedded.home());
        }
        PostgresBinaries.deleteTree(home);
    }

    @Test
    void startsOnceStopsCleanlyAndKeepsDataAndPortBetweenRuns() throws Exception {
        embedded = EmbeddedPostgres.in(home);
        assertThat(embedded.status()).isInstanceOf(EmbeddedPostgres.Stopped.class);

        EmbeddedPostgres.Started first = embedded.start();
        assertThat(first.startedNow()).isTrue();
        try (Connection c = DriverManager.getConnection(EmbeddedPostgres.jdbcUrl(first.port(), "postgres")); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SHOW server_version")) {
                rs.next();
                assertThat(rs.getString(1)).startsWith("17.");
            }
            s.execute("CREATE TABLE kept (x int)");
            s.execute("INSERT INTO kept VALUES (42)");
        }
        assertThat(embedded.start()).isEqualTo(new EmbeddedPostgres.Started(first.port(), false));

        long pid = ((EmbeddedPostgres.Running) embedded.status()).pid();
        assertThat(embedded.stop()).isTrue();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(embedded.status()).isInstanceOf(EmbeddedPostgres.Stopped.class);
        assertThat(serverProcessesOf(embedded)).as("postgres processes left for this data directory").isZero();
        assertThat(embedded.stop()).isFalse();

        EmbeddedPostgres.Started second = embedded.start();
        assertThat(second.port()).isEqualTo(first.port());
        try (Connection c = DriverManager.getConnection(EmbeddedPostgres.jdbcUrl(second.port(), "postgres"));
             ResultSet rs = c.createStatement().executeQuery("SELECT x FROM kept")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(42);
        }
    }

    @Test
    void runsTheServerAsAnUnprivilegedUserWhenStartedAsRoot() {
        assumeTrue("root".equals(System.getProperty("user.name")), "only meaningful when the tests run as root");
        embedded = EmbeddedPostgres.in(home);
        embedded.start();

        long pid = ((EmbeddedPostgres.Running) embedded.status()).pid();
        assertThat(ProcessHandle.of(pid).flatMap(p -> p.info().user())).hasValue("nobody");
    }

    @Test
    void refusesADataDirectoryFromAnotherMajorVersion() throws Exception {
        embedded = EmbeddedPostgres.in(home);
        Files.createDirectories(embedded.dataDirectory());
        Files.writeString(embedded.dataDirectory().resolve("PG_VERSION"), "16\n");

        assertThatThrownBy(embedded::start)
                .isInstanceOf(DatabaseSetupException.class)
                .hasMessageContaining("made by PostgreSQL 16")
                .hasMessageNotContaining("\n");
    }

    @Test
    void movesOutOfAHomeThatTheServerUserCannotReach() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "only root drops privileges");
        Path locked = Files.createDirectories(home.resolve("locked"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));

        EmbeddedPostgres relocated = EmbeddedPostgres.in(locked.resolve(".headroom"));

        assertThat(relocated.home().toString()).startsWith("/var/tmp/headroom-");
        assertThat(EmbeddedPostgres.in(locked.resolve(".headroom")).home()).as("stable between runs").isEqualTo(relocated.home());
    }

    private static long serverProcessesOf(EmbeddedPostgres embedded) {
        String data = embedded.dataDirectory().toString();
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(cmd -> cmd.contains("postgres") && cmd.contains(data)).orElse(false))
                .count();
    }
}
