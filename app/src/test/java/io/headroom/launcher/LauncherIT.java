package io.headroom.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The launcher as a user runs it: real processes, real ports, real signals. Runs after {@code package}, with
 * the launcher's own build step switched off so that it does not start Maven inside Maven.
 */
class LauncherIT {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path LAUNCHER = ROOT.resolve("headroom");
    static final Duration START_BOUND = Duration.ofSeconds(120);

    @Test
    void upServesHealthAndStopsEverythingOnSigterm() throws Exception {
        int port = freePort();
        try (Running up = start(Map.of("HEADROOM_PORT", Integer.toString(port)), "up")) {
            Duration startup = up.awaitHealthy(port);
            System.out.printf("[launcher] up answered UP in %.1f s (default resolution)%n", startup.toMillis() / 1000.0);
            List<ProcessHandle> children = up.process.descendants().toList();

            assertThat(up.terminate()).isEqualTo(143);
            assertThat(children).as("processes the launcher started").noneMatch(ProcessHandle::isAlive);
            assertThat(healthStatus(port)).isNull();
        }
    }

    @Test
    void demoPlacesOrdersChecksEveryCountAndStopsEverything() throws Exception {
        Result demo = run(Map.of("HEADROOM_PORT", Integer.toString(freePort()), "HEADROOM_DEMO_ORDERS", "20"), "demo", "--orders");

        assertThat(demo.exit()).as(demo.output()).isZero();
        assertThat(demo.output()).contains(
                "from the API:     placed 40, paid 36, payment failed 4, other 0",
                "payment ledger:   charges 36, declines 4",
                "duplicate charges 0",
                "email ledger:     emails 40",
                "duplicate emails 0",
                "idempotency keys: 8 repeated requests, 8 answered with the original order",
                "demo: every order reached a final state, every email was sent once, nothing was charged twice",
                "headroom: demo: stopped cleanly");
    }

    @Test
    void demoRunsTheScenarioAgainstNaiveThenHardenedAndPrintsThemSideBySide() throws Exception {
        Path scenario = ROOT.resolve("app/src/test/resources/lab/demo-short.yaml");
        Result demo = run(Map.of("HEADROOM_PORT", Integer.toString(freePort()), "HEADROOM_DEMO_SCENARIO", scenario.toString()), "demo");

        assertThat(demo.exit()).as(demo.output()).isZero();
        assertThat(demo.output()).contains("lab: demo-short (naive):", "lab: demo-short (hardened):",
                "demo: naive and hardened side by side", "SLO checkout-available (availability)", "headroom: demo: stopped cleanly");
        Matcher reports = Pattern.compile("demo: reports: (\\S+) and (\\S+)").matcher(demo.output());
        assertThat(reports.find()).as(demo.output()).isTrue();
        for (String report : List.of(reports.group(1), reports.group(2))) {
            assertThat(Path.of(report)).isRegularFile();
            assertThat(Path.of(report).resolveSibling("results.json")).isRegularFile();
        }
        assertThat(Files.readString(Path.of(reports.group(1)).resolveSibling("results.json"))).contains("\"label\" : \"naive\"");
    }

    @Test
    void upFallsBackToTheEmbeddedServerAndLeavesNoPostgresBehind() throws Exception {
        int port = freePort();
        Path home = ROOT.resolve("app/target/launcher-it-" + UUID.randomUUID());
        Map<String, String> env = Map.of("HEADROOM_PORT", Integer.toString(port),
                "HEADROOM_LOCAL_PG", "127.0.0.1:" + freePort(), "HEADROOM_HOME", home.toString());
        // Under a directory 'nobody' cannot enter (a clone in /root), the server lives in /var/tmp instead.
        Path data = dataDirectory(run(env, "db", "status").output);
        try (Running up = start(env, "up")) {
            Duration startup = up.awaitHealthy(port);
            System.out.printf("[launcher] up answered UP in %.1f s (embedded PostgreSQL, fresh home)%n", startup.toMillis() / 1000.0);
            assertThat(up.output()).contains("headroom: database: embedded");
            assertThat(postgresProcessesUsing(data)).as("postgres processes on %s while up", data).isPositive();
            assertThat(up.terminate()).isEqualTo(143);
            assertThat(up.output()).contains("stopped the embedded PostgreSQL");
            assertThat(postgresProcessesUsing(data)).isZero();

            assertThat(run(env, "db", "start").output).contains("started: jdbc:postgresql://127.0.0.1:");
            Result url = run(env, "db", "url");
            assertThat(url.output.trim()).matches("jdbc:postgresql://127\\.0\\.0\\.1:\\d+/headroom\\?user=postgres");
            assertThat(run(env, "db", "status").output).contains("embedded: running, pid ");
            assertThat(postgresProcessesUsing(data)).isPositive();
            Result stop = run(env, "db", "stop");
            assertThat(stop.exit).isZero();
            assertThat(postgresProcessesUsing(data)).isZero();
            assertThat(run(env, "db", "status").output).contains("embedded: stopped");
        } finally {
            run(env, "db", "stop");
            deleteTree(data.getParent().getParent());
            deleteTree(home);
        }
    }

    @Test
    void anUnreachableDatabaseUrlIsOneLineAndExit1() throws Exception {
        Result result = run(Map.of("HEADROOM_DB_URL", "jdbc:postgresql://127.0.0.1:" + freePort() + "/headroom",
                "HEADROOM_PORT", Integer.toString(freePort())), "up");

        assertThat(result.exit).isEqualTo(1);
        assertThat(result.output.lines()).singleElement().asString()
                .startsWith("headroom: cannot reach PostgreSQL at HEADROOM_DB_URL=jdbc:postgresql://127.0.0.1:");
    }

    @Test
    void anAppPortInUseIsOneLineAndExit1() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Result result = run(Map.of("HEADROOM_PORT", Integer.toString(taken.getLocalPort())), "up");

            assertThat(result.exit).isEqualTo(1);
            assertThat(result.output.lines()).singleElement().asString()
                    .isEqualTo("headroom: port " + taken.getLocalPort() + " is already in use; stop what holds it or set HEADROOM_PORT to a free port");
        }
    }

    @Test
    void noJdk21IsOneLineAndExit1() throws Exception {
        // No JAVA_HOME, only the machine's JDK 17 (if any) on PATH, no JVM directory to search: nothing qualifies.
        Map<String, String> env = Map.of("JAVA_HOME", "/nonexistent-jdk", "HEADROOM_JVM_DIRS", "/nonexistent",
                "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        for (String command : List.of("test", "up", "demo")) {
            Result result = run(env, command);
            assertThat(result.exit).as(command).isEqualTo(1);
            assertThat(result.output.lines()).singleElement().asString().startsWith("headroom: no JDK 21 or newer found");
        }
    }

    @Test
    void unknownCommandsAndFlagsAreOneLineAndExit2() throws Exception {
        for (List<String> args : List.of(List.of("deploy"), List.of("--verbose"), List.of("up", "--fast"), List.of("up", "--naive", "--fast"),
                List.of("db", "restart"), List.of("db"), List.of("test", "-x"))) {
            Result result = run(Map.of(), args.toArray(String[]::new));
            assertThat(result.exit).as("%s", args).isEqualTo(2);
            assertThat(result.output.lines()).as("%s", args).singleElement().asString().startsWith("headroom: ");
        }
        Result help = run(Map.of(), "help");
        assertThat(help.exit).isZero();
        assertThat(help.output).contains("test", "up", "demo", "db start|stop|status|url");
    }

    // --- helpers ----------------------------------------------------------------------------------------

    record Result(int exit, String output) {
    }

    /** A launcher process; closing it kills whatever of it is left, so a failed assertion leaks nothing. */
    static final class Running implements AutoCloseable {
        final Process process;
        private final StringBuffer output = new StringBuffer();
        private final Thread reader;

        Running(Process process) {
            this.process = process;
            this.reader = Thread.ofVirtual().start(() -> copy(process.getInputStream(), output));
        }

        /** Sends SIGTERM and waits for the launcher to exit and its output to be read to the end. */
        int terminate() throws InterruptedException {
            process.toHandle().destroy();  // SIGTERM only; Process.destroy() would also close our end of its output
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("launcher exits after SIGTERM").isTrue();
            reader.join(Duration.ofSeconds(10));
            return process.exitValue();
        }

        String output() {
            return output.toString();
        }

        @Override
        public void close() {
            List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
            tree.add(process.toHandle());
            tree.forEach(ProcessHandle::destroyForcibly);
        }

        Duration awaitHealthy(int port) throws Exception {
            Instant start = Instant.now();
            while (!"UP".equals(healthStatus(port))) {
                assertThat(process.isAlive()).as("launcher still running; output so far:%n%s", output).isTrue();
                assertThat(Duration.between(start, Instant.now())).as("bounded wait for UP").isLessThan(START_BOUND);
                Thread.sleep(100);
            }
            return Duration.between(start, Instant.now());
        }
    }

    static Running start(Map<String, String> env, String... args) throws IOException {
        return new Running(builder(env, args).start());
    }

    static Result run(Map<String, String> env, String... args) throws Exception {
        Process process = builder(env, args).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }

    static ProcessBuilder builder(Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
        builder.environment().put("HEADROOM_SKIP_BUILD", "1");
        builder.environment().remove("HEADROOM_DB_URL");
        builder.environment().putAll(env);
        if (!env.containsKey("HEADROOM_PROVIDERS_PORT")) {
            builder.environment().put("HEADROOM_PROVIDERS_PORT", Integer.toString(freePort()));
        }
        return builder;
    }

    static String healthStatus(int port) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.body().contains("\"status\":\"UP\"") ? "UP" : response.body();
        } catch (ConnectException refused) {
            return null;
        } catch (IOException | InterruptedException e) {
            return e.toString();
        }
    }

    static long postgresProcessesUsing(Path dataDirectory) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(cmd -> cmd.contains("postgres") && cmd.contains(dataDirectory.toString())).orElse(false))
                .count();
    }

    /** The data directory named by {@code ./headroom db status} ("embedded: stopped, data /path"). */
    static Path dataDirectory(String statusOutput) {
        Matcher m = Pattern.compile("embedded: .*data (/\\S+)").matcher(statusOutput);
        assertThat(m.find()).as("data directory in: %s", statusOutput).isTrue();
        return Path.of(m.group(1));
    }

    static void deleteTree(Path root) throws IOException {
        if (Files.exists(root)) {
            try (var paths = Files.walk(root)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static void copy(InputStream in, StringBuffer into) {
        try {
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                into.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            }
        } catch (IOException closed) {
            into.append("\n[output closed: ").append(closed.getMessage()).append("]\n");
        }
    }
}
