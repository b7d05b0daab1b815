package io.headroom.postgres;

import java.io.PrintStream;

/**
 * {@code ./headroom db start|stop|status|url}: the launcher's window onto the resolution rule.
 *
 * <p>{@code start} and {@code url} apply the rule (starting the embedded server when that is where it
 * lands); {@code stop} stops the embedded server; {@code status} reports without changing anything.
 * {@code ensure} is the launcher's own: it prints {@code <origin> <started-now> <url>} on one line.
 * Errors are one line on standard error with exit status 1; a usage error exits with 2.
 */
public final class DbCommand {

    static final String USAGE = "usage: headroom db start|stop|status|url";

    private final PrintStream out;
    private final PrintStream err;
    private final DatabaseSettings settings;

    DbCommand(PrintStream out, PrintStream err, DatabaseSettings settings) {
        this.out = out;
        this.err = err;
        this.settings = settings;
    }

    public static void main(String[] args) {
        // One short line per log record: this is a command-line tool, not a server.
        System.setProperty("java.util.logging.SimpleFormatter.format", "headroom: %5$s%6$s%n");
        int status;
        try {
            status = new DbCommand(System.out, System.err, DatabaseSettings.fromEnvironment()).run(args);
        } catch (DatabaseSetupException e) {
            System.err.println("headroom: " + e.getMessage());
            status = 1;
        } catch (IllegalArgumentException e) {
            System.err.println("headroom: " + e.getMessage());
            status = 2;
        }
        System.exit(status);
    }

    int run(String... args) {
        if (args.length == 2 && args[0].equals("ensure-fresh")) {
            return ensureFresh(new PostgresResolver(settings), args[1]);
        }
        if (args.length != 1) {
            err.println("headroom: " + USAGE);
            return 2;
        }
        PostgresResolver resolver = new PostgresResolver(settings);
        switch (args[0]) {
            case "start" -> {
                ResolvedDatabase db = resolver.resolve();
                out.println(db.origin() == ResolvedDatabase.Origin.EMBEDDED
                        ? (db.startedNow() ? "started: " : "already running: ") + db
                        : "nothing to start; using " + db);
            }
            case "url" -> out.println(resolver.resolve().jdbcUrl());
            case "ensure" -> {
                ResolvedDatabase db = resolver.resolve();
                out.println(db.origin() + " " + db.startedNow() + " " + db.jdbcUrl());
            }
            case "stop" -> {
                EmbeddedPostgres embedded = EmbeddedPostgres.in(settings.home());
                out.println(embedded.stop() ? "stopped the embedded PostgreSQL (data kept in " + embedded.dataDirectory() + ")"
                        : "no embedded PostgreSQL is running");
            }
            case "status" -> status(resolver);
            default -> {
                err.println("headroom: unknown db command '" + args[0] + "'; " + USAGE);
                return 2;
            }
        }
        return 0;
    }

    /**
     * The launcher's internal {@code ensure-fresh NAME}: like {@code ensure}, but on a server of ours (local or
     * embedded) the URL names database NAME, dropped and created empty first. A server configured by
     * HEADROOM_DB_URL is used as given: it may not allow creating databases, and its data is the user's.
     */
    private int ensureFresh(PostgresResolver resolver, String name) {
        ResolvedDatabase db = resolver.resolve();
        if (db.origin() == ResolvedDatabase.Origin.CONFIGURED) {
            out.println(db.origin() + " " + db.startedNow() + " " + db.jdbcUrl());
            return 0;
        }
        PostgresResolver.recreateDatabase(db.jdbcUrl(), name);
        out.println(db.origin() + " " + db.startedNow() + " " + JdbcUrls.withDatabase(db.jdbcUrl(), name));
        return 0;
    }

    private void status(PostgresResolver resolver) {
        if (settings.configuredUrl().isPresent()) {
            out.println("resolution: " + DatabaseSettings.URL_VARIABLE + " is set: " + JdbcUrls.redact(settings.configuredUrl().get()));
        } else if (resolver.localServerAnswers()) {
            var address = settings.localServer().orElseThrow();
            out.println("resolution: a server answers on " + address.getHostString() + ":" + address.getPort()
                    + "; it is used unless it refuses the login");
        } else {
            out.println("resolution: no " + DatabaseSettings.URL_VARIABLE + " and no local server; the embedded PostgreSQL is used");
        }
        EmbeddedPostgres embedded = EmbeddedPostgres.in(settings.home());
        switch (embedded.status()) {
            case EmbeddedPostgres.Running r -> out.println("embedded: running, pid " + r.pid() + ", "
                    + EmbeddedPostgres.jdbcUrl(r.port(), settings.databaseName()) + ", data " + embedded.dataDirectory());
            case EmbeddedPostgres.Stopped s -> out.println("embedded: stopped, data " + embedded.dataDirectory());
        }
    }
}
