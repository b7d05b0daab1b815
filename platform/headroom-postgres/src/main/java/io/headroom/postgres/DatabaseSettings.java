package io.headroom.postgres;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The inputs of the PostgreSQL resolution rule, read from environment variables so that the launcher,
 * the app and the tests all see the same ones.
 *
 * <table>
 *   <caption>Environment variables</caption>
 *   <tr><th>variable</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code HEADROOM_DB_URL}</td><td>unset</td><td>a JDBC URL; when set it is used as is and must answer</td></tr>
 *   <tr><td>{@code HEADROOM_LOCAL_PG}</td><td>{@code 127.0.0.1:5432}</td><td>where to look for a local server;
 *       {@code off} skips the look</td></tr>
 *   <tr><td>{@code HEADROOM_HOME}</td><td>{@code .headroom} next to the launcher</td><td>embedded binaries and data</td></tr>
 * </table>
 *
 * @param configuredUrl the JDBC URL from {@code HEADROOM_DB_URL}, if set
 * @param localServer   the address probed for a local server, if probing is on
 * @param databaseName  the database used on a local or embedded server
 * @param home          the directory holding the embedded server's binaries and data
 */
public record DatabaseSettings(Optional<String> configuredUrl, Optional<InetSocketAddress> localServer,
                               String databaseName, Path home) {

    public static final String URL_VARIABLE = "HEADROOM_DB_URL";
    public static final String LOCAL_VARIABLE = "HEADROOM_LOCAL_PG";
    public static final String HOME_VARIABLE = "HEADROOM_HOME";
    public static final String DEFAULT_DATABASE = "headroom";
    public static final String DEFAULT_LOCAL_SERVER = "127.0.0.1:5432";

    /** The name of the launcher script; the directory holding it is the project root. */
    private static final String LAUNCHER = "headroom";

    public DatabaseSettings {
        configuredUrl.ifPresent(url -> {
            if (!url.startsWith("jdbc:postgresql://")) {
                throw new DatabaseSetupException(URL_VARIABLE + " must be a JDBC URL such as "
                        + "jdbc:postgresql://127.0.0.1:5432/headroom?user=postgres, got '" + JdbcUrls.redact(url) + "'");
            }
        });
    }

    /** The settings of this process, from its environment and working directory. */
    public static DatabaseSettings fromEnvironment() {
        return from(System.getenv(), Path.of("").toAbsolutePath());
    }

    static DatabaseSettings from(Map<String, String> env, Path workingDirectory) {
        Optional<String> url = Optional.ofNullable(env.get(URL_VARIABLE)).map(String::trim).filter(s -> !s.isEmpty());
        String local = Optional.ofNullable(env.get(LOCAL_VARIABLE)).map(String::trim).filter(s -> !s.isEmpty())
                .orElse(DEFAULT_LOCAL_SERVER);
        Path home = Optional.ofNullable(env.get(HOME_VARIABLE)).filter(s -> !s.isBlank()).map(Path::of)
                .orElseGet(() -> defaultHome(workingDirectory));
        return new DatabaseSettings(url, parseLocalServer(local), DEFAULT_DATABASE, home.toAbsolutePath().normalize());
    }

    /** The same settings with a different database name on the local or embedded server. */
    public DatabaseSettings withDatabaseName(String name) {
        return new DatabaseSettings(configuredUrl, localServer, name, home);
    }

    /** The same settings with a different embedded home. */
    public DatabaseSettings withHome(Path newHome) {
        return new DatabaseSettings(configuredUrl, localServer, databaseName, newHome);
    }

    static Optional<InetSocketAddress> parseLocalServer(String value) {
        if (value.equalsIgnoreCase("off")) {
            return Optional.empty();
        }
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new DatabaseSetupException(LOCAL_VARIABLE + " must be host:port or 'off', got '" + value + "'");
        }
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new DatabaseSetupException(LOCAL_VARIABLE + " has a port that is not a number: '" + value + "'");
        }
        if (port < 1 || port > 65535) {
            throw new DatabaseSetupException(LOCAL_VARIABLE + " has a port outside 1..65535: '" + value + "'");
        }
        return Optional.of(InetSocketAddress.createUnresolved(value.substring(0, colon), port));
    }

    /**
     * {@code .headroom} in the nearest directory holding the launcher, so that tests running in a module
     * directory share the project's embedded server instead of starting one per module.
     */
    static Path defaultHome(Path workingDirectory) {
        for (Path dir = workingDirectory; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(LAUNCHER)) && Files.isDirectory(dir.resolve(".mvn"))) {
                return dir.resolve(".headroom");
            }
        }
        return Path.of(System.getProperty("user.home"), ".headroom");
    }
}
