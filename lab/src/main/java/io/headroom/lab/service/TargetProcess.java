package io.headroom.lab.service;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The target as a process the lab started ({@code target.command}), so that a fault can kill it with SIGKILL and
 * start it again. Its output goes to a log file; {@link #start} waits until its health path answers 200.
 * Stopping sends SIGTERM and, after 20 s, SIGKILL — to the process and everything it started.
 */
public final class TargetProcess implements AutoCloseable {

    static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final List<String> command;
    private final URI health;
    private final Path log;
    private final HttpClient http;
    private volatile Process process;
    private volatile int starts;

    /**
     * {@code defines} fill {@code ${NAME}} in the command (e.g. a port or a database URL that the caller chose);
     * a name the command uses that no define gives is an error naming it.
     */
    public TargetProcess(List<String> command, Map<String, String> defines, URI health, Path log, HttpClient http) {
        this.command = Commands.expand(command, defines);
        this.health = health;
        this.log = log;
        this.http = http;
    }

    /** Starts the process and waits until it is healthy; fails naming the command and the log. */
    public void start() throws IOException, InterruptedException {
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        starts++;
        long until = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < until) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the target " + command + " exited with " + process.exitValue() + " while starting; see " + log);
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(1)).GET().build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Not listening yet.
            }
            Thread.sleep(100);
        }
        close();
        throw new IllegalStateException("the target " + command + " was not healthy at " + health + " within " + START_TIMEOUT.toSeconds() + " s; see " + log);
    }

    /** SIGKILL to the process and its children: a crash, no shutdown hooks, no graceful drain. */
    public void kill() {
        Process p = process;
        if (p != null) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public long pid() {
        return process == null ? -1 : process.pid();
    }

    /** How many times it was started (1 + restarts). */
    public int starts() {
        return starts;
    }

    @Override
    public void close() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        List<ProcessHandle> children = p.descendants().toList();
        p.destroy();
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            kill();
            Thread.currentThread().interrupt();
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }
}
