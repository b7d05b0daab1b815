package io.headroom.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link PostgresResolver#resolveStoppingAtExit()} in a JVM of its own, as a test run or a benchmark uses it: the
 * embedded server that JVM started is stopped when it exits; one it found running is left running.
 */
class StopAtExitTest {

    private final Path home = Path.of("target", "stop-at-exit-" + UUID.randomUUID()).toAbsolutePath();

    @AfterEach
    void removeServer() {
        EmbeddedPostgres embedded = EmbeddedPostgres.in(home);
        embedded.stop();
        PostgresBinaries.deleteTree(embedded.home());
        PostgresBinaries.deleteTree(home);
    }

    @Test
    void theServerAProcessStartedIsStoppedWhenThatProcessExits() throws Exception {
        assertThat(resolveInAJvmOfItsOwn()).isEqualTo("EMBEDDED started");

        assertThat(EmbeddedPostgres.in(home).status()).isInstanceOf(EmbeddedPostgres.Stopped.class);
    }

    @Test
    void aServerThatWasAlreadyRunningIsLeftRunning() throws Exception {
        EmbeddedPostgres embedded = EmbeddedPostgres.in(home);
        embedded.start();

        assertThat(resolveInAJvmOfItsOwn()).isEqualTo("EMBEDDED already running");

        assertThat(embedded.status()).isInstanceOf(EmbeddedPostgres.Running.class);
    }

    /** Runs {@link Child} with no URL, no local server and this test's home; returns what it resolved. */
    private String resolveInAJvmOfItsOwn() throws Exception {
        Files.createDirectories(home);
        Path output = Files.createTempFile(home.getParent(), "stop-at-exit-", ".log");
        ProcessBuilder child = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "-cp",
                System.getProperty("java.class.path"), Child.class.getName());
        child.environment().remove(DatabaseSettings.URL_VARIABLE);
        child.environment().put(DatabaseSettings.LOCAL_VARIABLE, "off");
        child.environment().put(DatabaseSettings.HOME_VARIABLE, home.toString());
        // To a file, not a pipe: a server the child starts must not hold the test's reading end open.
        Process p = child.redirectErrorStream(true).redirectOutput(output.toFile()).start();
        boolean exited = p.waitFor(120, TimeUnit.SECONDS);
        String printed = Files.readString(output);
        Files.delete(output);
        assertThat(exited).as("the child exited within 120 s; it printed:%n%s", printed).isTrue();
        assertThat(p.exitValue()).as(printed).isZero();
        return printed.lines().filter(l -> l.startsWith("resolved: ")).map(l -> l.substring("resolved: ".length())).findFirst()
                .orElseThrow(() -> new AssertionError("the child printed no resolution:\n" + printed));
    }

    /** The process under test: resolves, says what it got, and exits. */
    public static final class Child {
        public static void main(String[] args) {
            ResolvedDatabase db = PostgresResolver.fromEnvironment().resolveStoppingAtExit();
            System.out.println("resolved: " + db.origin() + " " + (db.startedNow() ? "started" : "already running"));
        }
    }
}
