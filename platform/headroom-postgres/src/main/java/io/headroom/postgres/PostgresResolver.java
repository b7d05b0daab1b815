package io.headroom.postgres;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Properties;

/**
 * The one rule that decides which PostgreSQL a Headroom process uses. The launcher, the app and the test
 * harness all call it, so they always agree:
 * <ol>
 *   <li>{@code HEADROOM_DB_URL} if set: used as is, and it must answer;</li>
 *   <li>otherwise a server on the local probe address (default {@code 127.0.0.1:5432}) if one accepts
 *       {@code postgres} without a password; its {@code headroom} database is created if missing;</li>
 *   <li>otherwise the {@linkplain EmbeddedPostgres embedded server} under {@code HEADROOM_HOME}, started if needed.</li>
 * </ol>
 * Stateless and thread-safe.
 */
public final class PostgresResolver {

    private static final System.Logger LOG = System.getLogger(PostgresResolver.class.getName());
    private static final int CONNECT_TIMEOUT_SECONDS = 5;
    private static final int PROBE_TIMEOUT_MILLIS = 1_000;
    private static final String DUPLICATE_DATABASE = "42P04";

    private final DatabaseSettings settings;

    public PostgresResolver(DatabaseSettings settings) {
        this.settings = settings;
    }

    /** The resolver for this process's environment. */
    public static PostgresResolver fromEnvironment() {
        return new PostgresResolver(DatabaseSettings.fromEnvironment());
    }

    public DatabaseSettings settings() {
        return settings;
    }

    /** Applies the rule, starting the embedded server if that is where it lands. */
    public ResolvedDatabase resolve() {
        if (settings.configuredUrl().isPresent()) {
            String url = settings.configuredUrl().get();
            try (Connection ignored = connect(url)) {
                return new ResolvedDatabase(url, ResolvedDatabase.Origin.CONFIGURED, false);
            } catch (SQLException e) {
                throw new DatabaseSetupException("cannot reach PostgreSQL at " + DatabaseSettings.URL_VARIABLE + "="
                        + JdbcUrls.redact(url) + ": " + oneLine(e) + "; fix the URL or unset it to use a local or embedded server", e);
            }
        }
        Optional<ResolvedDatabase> local = settings.localServer().flatMap(this::localServer);
        if (local.isPresent()) {
            return local.get();
        }
        EmbeddedPostgres embedded = EmbeddedPostgres.in(settings.home());
        EmbeddedPostgres.Started started = embedded.start();
        ResolvedDatabase resolved = new ResolvedDatabase(
                EmbeddedPostgres.jdbcUrl(started.port(), settings.databaseName()), ResolvedDatabase.Origin.EMBEDDED, started.startedNow());
        ensureDatabase(EmbeddedPostgres.jdbcUrl(started.port(), "postgres"), settings.databaseName());
        return resolved;
    }

    /**
     * {@link #resolve()} for a process that owns what it starts: an embedded server that resolving started is stopped
     * when this JVM exits (a test run's or a benchmark's; one already running is left alone).
     */
    public ResolvedDatabase resolveStoppingAtExit() {
        ResolvedDatabase resolved = resolve();
        if (resolved.startedNow()) {
            EmbeddedPostgres embedded = EmbeddedPostgres.in(settings.home());
            Runtime.getRuntime().addShutdownHook(new Thread(embedded::stop, "stop-embedded-postgres"));
        }
        return resolved;
    }

    /** Whether something accepts TCP connections on the local probe address; no login is tried. */
    public boolean localServerAnswers() {
        return settings.localServer().map(PostgresResolver::answers).orElse(false);
    }

    private Optional<ResolvedDatabase> localServer(InetSocketAddress address) {
        if (!answers(address)) {
            LOG.log(System.Logger.Level.DEBUG, "no PostgreSQL answers on {0}:{1,number,#}", address.getHostString(), address.getPort());
            return Optional.empty();
        }
        String base = "jdbc:postgresql://" + address.getHostString() + ":" + address.getPort() + "/";
        try {
            ensureDatabase(base + "postgres?user=" + EmbeddedPostgres.SUPERUSER, settings.databaseName());
        } catch (DatabaseSetupException e) {
            // Something listens but will not let us in without a password: not ours to use.
            LOG.log(System.Logger.Level.WARNING, "PostgreSQL on {0}:{1,number,#} answered but refused us ({2}); "
                    + "using the embedded server instead (set HEADROOM_DB_URL to use that one)",
                    address.getHostString(), address.getPort(), e.getMessage());
            return Optional.empty();
        }
        return Optional.of(new ResolvedDatabase(base + settings.databaseName() + "?user=" + EmbeddedPostgres.SUPERUSER,
                ResolvedDatabase.Origin.LOCAL_SERVER, false));
    }

    private static boolean answers(InetSocketAddress address) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address.getHostString(), address.getPort()), PROBE_TIMEOUT_MILLIS);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Drops {@code database} (disconnecting its sessions) and creates it empty, through {@code serverUrl} (any
     * database on the same server). For runs that must not see what earlier runs left behind, like the demo.
     */
    public static void recreateDatabase(String serverUrl, String database) {
        if (!database.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("not a plain database name: '" + database + "'");
        }
        if (database.equals(JdbcUrls.database(serverUrl))) {
            throw new IllegalArgumentException("will not recreate the database it connects through: " + database);
        }
        try (Connection c = connect(serverUrl); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + quoteIdentifier(database) + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + quoteIdentifier(database));
        } catch (SQLException e) {
            throw new DatabaseSetupException("cannot recreate database " + database + " at " + JdbcUrls.redact(serverUrl)
                    + ": " + oneLine(e), e);
        }
    }

    /** Creates {@code database} through the maintenance URL unless it exists; safe against concurrent creators. */
    static void ensureDatabase(String maintenanceUrl, String database) {
        try (Connection c = connect(maintenanceUrl)) {
            try (PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                exists.setString(1, database);
                try (ResultSet rs = exists.executeQuery()) {
                    if (rs.next()) {
                        return;
                    }
                }
            }
            try (Statement create = c.createStatement()) {
                create.execute("CREATE DATABASE " + quoteIdentifier(database));
                LOG.log(System.Logger.Level.INFO, "created database {0}", database);
            } catch (SQLException e) {
                if (!DUPLICATE_DATABASE.equals(e.getSQLState())) {
                    throw e;
                }
            }
        } catch (SQLException e) {
            throw new DatabaseSetupException("cannot create database " + database + " at " + JdbcUrls.redact(maintenanceUrl)
                    + ": " + oneLine(e), e);
        }
    }

    static Connection connect(String url) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
        properties.setProperty("loginTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
        properties.setProperty("ApplicationName", "headroom-resolver");
        return DriverManager.getConnection(url, properties);
    }

    /** Double-quotes an identifier for SQL, doubling embedded quotes. */
    public static String quoteIdentifier(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    static String oneLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.replaceAll("\\s*\\R\\s*", " ").trim().replaceAll("\\.$", "");
    }
}
