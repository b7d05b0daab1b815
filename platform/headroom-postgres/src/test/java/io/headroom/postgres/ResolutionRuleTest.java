package io.headroom.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The three branches of the rule against real servers: an embedded server started for this class plays the
 * configured server and the "local" one, so the test holds on any machine, with or without PostgreSQL.
 */
class ResolutionRuleTest {

    static final Path HOME = Path.of("target", "resolution-" + UUID.randomUUID()).toAbsolutePath();
    static EmbeddedPostgres server;
    static int port;

    @BeforeAll
    static void startServer() {
        server = EmbeddedPostgres.in(HOME);
        port = server.start().port();
    }

    @AfterAll
    static void stopServer() {
        server.stop();
        PostgresBinaries.deleteTree(server.home());
        PostgresBinaries.deleteTree(HOME);
    }

    static DatabaseSettings settings(Map<String, String> env) {
        return DatabaseSettings.from(env, HOME).withHome(HOME);
    }

    @Test
    void aConfiguredUrlIsUsedAsIs() {
        String url = EmbeddedPostgres.jdbcUrl(port, "postgres");

        ResolvedDatabase db = new PostgresResolver(settings(Map.of("HEADROOM_DB_URL", url))).resolve();

        assertThat(db).isEqualTo(new ResolvedDatabase(url, ResolvedDatabase.Origin.CONFIGURED, false));
    }

    @Test
    void anUnreachableConfiguredUrlFailsWithOneLineNamingTheVariable() {
        String url = "jdbc:postgresql://127.0.0.1:" + closedPort() + "/headroom?user=x&password=secret";

        assertThatThrownBy(() -> new PostgresResolver(settings(Map.of("HEADROOM_DB_URL", url))).resolve())
                .isInstanceOf(DatabaseSetupException.class)
                .hasMessageStartingWith("cannot reach PostgreSQL at HEADROOM_DB_URL=jdbc:postgresql://127.0.0.1:")
                .hasMessageContaining("password=***")
                .hasMessageNotContaining("secret")
                .hasMessageNotContaining("\n");
    }

    @Test
    void aLocalServerIsUsedAndItsDatabaseCreatedWhenMissing() throws Exception {
        String database = "resolver_" + UUID.randomUUID().toString().substring(0, 8);
        DatabaseSettings settings = settings(Map.of("HEADROOM_LOCAL_PG", "127.0.0.1:" + port)).withDatabaseName(database);

        ResolvedDatabase db = new PostgresResolver(settings).resolve();

        assertThat(db.origin()).isEqualTo(ResolvedDatabase.Origin.LOCAL_SERVER);
        assertThat(db.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=postgres");
        try (Connection c = DriverManager.getConnection(db.jdbcUrl()); ResultSet rs = c.createStatement().executeQuery("SELECT current_database()")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo(database);
        }
        assertThat(new PostgresResolver(settings).resolve()).as("second resolution finds it").isEqualTo(db);
    }

    @Test
    void noLocalServerMeansTheEmbeddedOne() {
        DatabaseSettings settings = settings(Map.of("HEADROOM_LOCAL_PG", "127.0.0.1:" + closedPort()));

        ResolvedDatabase db = new PostgresResolver(settings).resolve();

        assertThat(db.origin()).isEqualTo(ResolvedDatabase.Origin.EMBEDDED);
        assertThat(db.startedNow()).as("already running for this class").isFalse();
        assertThat(db.jdbcUrl()).isEqualTo(EmbeddedPostgres.jdbcUrl(port, "headroom"));
    }

    @Test
    void malformedSettingsAreRefusedWithTheVariableName() {
        assertThatThrownBy(() -> settings(Map.of("HEADROOM_LOCAL_PG", "localhost")))
                .hasMessage("HEADROOM_LOCAL_PG must be host:port or 'off', got 'localhost'");
        assertThatThrownBy(() -> settings(Map.of("HEADROOM_LOCAL_PG", "localhost:99999")))
                .hasMessageContaining("outside 1..65535");
        assertThatThrownBy(() -> settings(Map.of("HEADROOM_DB_URL", "postgres://localhost/headroom")))
                .hasMessageStartingWith("HEADROOM_DB_URL must be a JDBC URL");
        assertThat(settings(Map.of("HEADROOM_LOCAL_PG", "off")).localServer()).isEmpty();
        assertThat(settings(Map.of()).localServer()).hasValue(InetSocketAddress.createUnresolved("127.0.0.1", 5432));
    }

    @Test
    void theDefaultHomeIsNextToTheLauncher() {
        Path moduleDir = Path.of("").toAbsolutePath();
        Path projectRoot = moduleDir.getParent().getParent();

        assertThat(DatabaseSettings.defaultHome(moduleDir)).isEqualTo(projectRoot.resolve(".headroom"));
    }

    @Test
    void ensureFreshGivesAnEmptyDatabaseOfItsOwnEachTime() throws Exception {
        DatabaseSettings settings = settings(Map.of("HEADROOM_LOCAL_PG", "127.0.0.1:" + port));
        var out = new ByteArrayOutputStream();
        DbCommand command = new DbCommand(new PrintStream(out, true, StandardCharsets.UTF_8), System.err, settings);

        assertThat(command.run("ensure-fresh", "fresh_one")).isZero();
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/fresh_one?user=postgres";
        assertThat(out.toString(StandardCharsets.UTF_8).trim()).isEqualTo("LOCAL_SERVER false " + url);
        try (Connection c = DriverManager.getConnection(url)) {
            c.createStatement().execute("CREATE TABLE leftover (x int)");
        }
        assertThat(command.run("ensure-fresh", "fresh_one")).isZero();
        try (Connection c = DriverManager.getConnection(url);
             ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM pg_tables WHERE tablename = 'leftover'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("what the last run left is gone").isZero();
        }
        assertThatThrownBy(() -> command.run("ensure-fresh", "Robert'); DROP")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theDbCommandPrintsTheUrlAndRejectsUnknownCommands() {
        DatabaseSettings settings = settings(Map.of("HEADROOM_LOCAL_PG", "off"));
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        DbCommand command = new DbCommand(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), settings);

        assertThat(command.run("url")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8).trim()).isEqualTo(EmbeddedPostgres.jdbcUrl(port, "headroom"));
        assertThat(command.run("status")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("embedded: running, pid ");

        assertThat(command.run("restart")).isEqualTo(2);
        assertThat(command.run()).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8).lines())
                .containsExactly("headroom: unknown db command 'restart'; usage: headroom db start|stop|status|url", "headroom: usage: headroom db start|stop|status|url");
    }

    @Test
    void urlsKeepTheirParametersWhenTheDatabaseChanges() {
        assertThat(JdbcUrls.withDatabase("jdbc:postgresql://h1:5432,h2:5433/app?user=u&sslmode=disable", "other"))
                .isEqualTo("jdbc:postgresql://h1:5432,h2:5433/other?user=u&sslmode=disable");
        assertThat(JdbcUrls.database("jdbc:postgresql://h/app")).isEqualTo("app");
        assertThat(JdbcUrls.redact("jdbc:postgresql://h/app?user=u&password=p4ss&x=1")).isEqualTo("jdbc:postgresql://h/app?user=u&password=***&x=1");
    }

    static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

}
