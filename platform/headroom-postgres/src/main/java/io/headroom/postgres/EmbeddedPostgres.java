package io.headroom.postgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The embedded default PostgreSQL: binaries from a Maven artifact, one cluster under {@code home/pg}
 * whose data directory is kept between runs, listening on 127.0.0.1 only (no Unix socket) on a free port
 * that is reused across restarts while it stays free, so clients reconnect after a restart.
 *
 * <p>Start and stop are idempotent and serialised across processes by a file lock, so the launcher,
 * an app and a test JVM may all ask for the server at once. The server outlives the JVM that started it;
 * {@link #stop()} ends it. Thread-safe.
 */
public final class EmbeddedPostgres {

    /** Whether the server is up. */
    public sealed interface Status permits Running, Stopped {
    }

    /** The server is up: its postmaster process and TCP port. */
    public record Running(int port, long pid) implements Status {
    }

    /** No server process for this data directory. */
    public record Stopped() implements Status {
    }

    /** The outcome of {@link #start()}: the port, and whether this call started the server. */
    public record Started(int port, boolean startedNow) {
    }

    private static final System.Logger LOG = System.getLogger(EmbeddedPostgres.class.getName());
    private static final Object IN_PROCESS = new Object();
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(120);
    static final String SUPERUSER = "postgres";

    private final PostgresBinaries binaries;
    private final ServerUser user;
    private final Path home;
    private final Path cluster;
    private final Path data;

    private EmbeddedPostgres(PostgresBinaries binaries, ServerUser user, Path home) {
        this.binaries = binaries;
        this.user = user;
        this.home = home;
        this.cluster = home.resolve("pg");
        this.data = cluster.resolve("data");
    }

    /**
     * The embedded server kept under {@code home}. When this process is root and the unprivileged server
     * user cannot reach {@code home} (a checkout under {@code /root}, say), the server lives under
     * {@code /var/tmp/headroom-<hash of home>} instead, still one per home and still kept between runs.
     */
    public static EmbeddedPostgres in(Path home) {
        ServerUser user = ServerUser.forThisProcess();
        Path requested = home.toAbsolutePath().normalize();
        Path effective = user.canReach(requested) ? requested : Path.of("/var/tmp", "headroom-" + shortHash(requested));
        return new EmbeddedPostgres(PostgresBinaries.onClasspath(), user, effective);
    }

    /** The directory holding binaries and cluster; differs from the requested home after relocation. */
    public Path home() {
        return home;
    }

    /** The directory holding the cluster's data. */
    public Path dataDirectory() {
        return data;
    }

    /** The server's log file. */
    public Path logFile() {
        return cluster.resolve("server.log");
    }

    /** The JDBC URL of {@code database} on this server listening on {@code port}. */
    public static String jdbcUrl(int port, String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=" + SUPERUSER;
    }

    /** Reads the postmaster pid file; a pid file whose process is gone (after a crash) counts as stopped. */
    public Status status() {
        Path pidFile = data.resolve("postmaster.pid");
        List<String> lines;
        try {
            lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return new Stopped();
        }
        if (lines.size() < 4) {
            return new Stopped();  // being written by a starting server; the caller holds the lock and waits on pg_ctl
        }
        long pid = Long.parseLong(lines.get(0).trim());
        int port = Integer.parseInt(lines.get(3).trim());
        boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        return alive ? new Running(port, pid) : new Stopped();
    }

    /** Starts the server unless it is running; installs the binaries and initialises the cluster on first use. */
    public Started start() {
        synchronized (IN_PROCESS) {
            prepareDirectories();
            try (FileChannel channel = FileChannel.open(cluster.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = channel.lock()) {
                if (status() instanceof Running running) {
                    return new Started(running.port(), false);
                }
                Path bin = binaries.installUnder(home).resolve("bin");
                if (!Files.exists(data.resolve("PG_VERSION"))) {
                    initialise(bin);
                } else {
                    checkDataVersion();
                }
                int port = choosePort();
                LOG.log(System.Logger.Level.INFO, "starting embedded PostgreSQL {0} on 127.0.0.1:{1,number,#} (data {2})",
                        binaries.version(), port, data);
                run(bin.resolve("pg_ctl"), "start", "-D", data.toString(), "-w", "-t", "60",
                        "-l", logFile().toString(), "-o", "-p " + port);
                Files.writeString(cluster.resolve("port"), Integer.toString(port));
                if (!(status() instanceof Running running)) {
                    throw new DatabaseSetupException("embedded PostgreSQL reported a start but is not running; see " + logFile());
                }
                return new Started(running.port(), true);
            } catch (IOException e) {
                throw new DatabaseSetupException("cannot start the embedded PostgreSQL in " + cluster + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Stops the server (fast shutdown: open transactions are rolled back, committed data is kept) and waits
     * until its processes are gone.
     *
     * @return whether a server was running
     */
    public boolean stop() {
        synchronized (IN_PROCESS) {
            if (!Files.isDirectory(cluster)) {
                return false;
            }
            try (FileChannel channel = FileChannel.open(cluster.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = channel.lock()) {
                if (!(status() instanceof Running running)) {
                    return false;
                }
                Path bin = binaries.installUnder(home).resolve("bin");
                LOG.log(System.Logger.Level.INFO, "stopping embedded PostgreSQL (pid {0,number,#})", running.pid());
                try {
                    run(bin.resolve("pg_ctl"), "stop", "-D", data.toString(), "-m", "fast", "-w", "-t", "60");
                } catch (DatabaseSetupException slow) {
                    LOG.log(System.Logger.Level.WARNING, "fast shutdown failed ({0}); using immediate shutdown", slow.getMessage());
                    run(bin.resolve("pg_ctl"), "stop", "-D", data.toString(), "-m", "immediate", "-w", "-t", "30");
                }
                awaitExit(running.pid());
                return true;
            } catch (IOException e) {
                throw new DatabaseSetupException("cannot stop the embedded PostgreSQL in " + cluster + ": " + e.getMessage(), e);
            }
        }
    }

    private void prepareDirectories() {
        try {
            boolean fresh = !Files.isDirectory(home);
            Files.createDirectories(cluster);
            if (user.dropsPrivileges()) {
                if (fresh) {
                    Files.setPosixFilePermissions(home, PostgresBinaries.permissions(0755));
                }
                Files.setPosixFilePermissions(cluster, PostgresBinaries.permissions(0755));
                user.own(cluster);
            }
        } catch (IOException e) {
            throw new DatabaseSetupException("cannot create the embedded PostgreSQL directory " + cluster + ": " + e.getMessage(), e);
        }
    }

    private void initialise(Path bin) throws IOException {
        // A data directory without PG_VERSION is the remains of an interrupted initdb; initdb needs it empty.
        PostgresBinaries.deleteTree(data);
        LOG.log(System.Logger.Level.INFO, "initialising embedded PostgreSQL cluster in {0}", data);
        run(bin.resolve("initdb"), "-D", data.toString(), "-U", SUPERUSER, "--auth=trust", "--encoding=UTF8", "--locale=C");
        Files.writeString(data.resolve("postgresql.conf"), """

                # Written by Headroom: loopback TCP only, no Unix socket (its path could exceed the 107-byte limit).
                listen_addresses = '127.0.0.1'
                unix_socket_directories = ''
                max_connections = 200
                """, StandardOpenOption.APPEND);
    }

    private void checkDataVersion() throws IOException {
        String dataVersion = Files.readString(data.resolve("PG_VERSION")).trim();
        if (!dataVersion.equals(binaries.majorVersion())) {
            throw new DatabaseSetupException("the embedded data directory " + data + " was made by PostgreSQL " + dataVersion
                    + " but the binaries are " + binaries.version() + "; move it away (its data is not migrated) or set HEADROOM_HOME elsewhere");
        }
    }

    private int choosePort() throws IOException {
        Path portFile = cluster.resolve("port");
        if (Files.exists(portFile)) {
            int previous = Integer.parseInt(Files.readString(portFile).trim());
            if (isFree(previous)) {
                return previous;
            }
        }
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void run(Path executable, String... args) {
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(user.command(command)).redirectErrorStream(true);
        builder.environment().put("LC_ALL", "C");
        builder.environment().keySet().removeIf(name -> name.startsWith("PG"));
        String output;
        int exit;
        try {
            Process process = builder.start();
            output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new DatabaseSetupException(executable.getFileName() + " " + args[0] + " did not finish within " + COMMAND_TIMEOUT);
            }
            exit = process.exitValue();
        } catch (IOException e) {
            throw new DatabaseSetupException("cannot run " + executable + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatabaseSetupException("interrupted while running " + executable.getFileName(), e);
        }
        if (exit != 0) {
            throw new DatabaseSetupException(executable.getFileName() + " " + args[0] + " failed (exit " + exit + "): "
                    + lastLine(output) + "; server log: " + logFile());
        }
    }

    private static String lastLine(String output) {
        String[] lines = output.split("\n");
        return lines.length == 0 ? "" : lines[lines.length - 1].trim();
    }

    private static void awaitExit(long pid) {
        Instant deadline = Instant.now().plusSeconds(30);
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            if (Instant.now().isAfter(deadline)) {
                throw new DatabaseSetupException("embedded PostgreSQL (pid " + pid + ") still runs 30 s after its shutdown");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UncheckedIOException(new IOException("interrupted while waiting for PostgreSQL to exit", e));
            }
        }
    }

    private static String shortHash(Path path) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(path.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
