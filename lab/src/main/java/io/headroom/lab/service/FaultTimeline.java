package io.headroom.lab.service;

import io.headroom.lab.scenario.Scenario.Fault;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import tools.jackson.databind.json.JsonMapper;

/**
 * Injects a scenario's faults at their times: through the provider simulators' fault API (PUT
 * {@code /faults/{provider}} with the fault and {@code durationMs}, so it ends even if the lab dies; DELETE at its
 * end), by killing the target process with SIGKILL and starting it again, or by running a command and its undo
 * (output in {@code faults.log} beside the results). Records when each was really set and cleared (for a kill: when
 * the new process answered its health check; for a command: when its undo finished), and any call that failed.
 */
public final class FaultTimeline {

    /** A fault as it happened, in seconds since the run's start. */
    public record Applied(String name, String provider, double setAt, double clearedAt, String error) {
    }

    private final HttpClient http;
    private final String providers;
    private final List<Fault> faults;
    private final List<Applied> applied = new CopyOnWriteArrayList<>();
    private final JsonMapper json = JsonMapper.builder().build();

    private final TargetProcess process;
    private final ReentrantLock restarts = new ReentrantLock();

    /** How long a command fault's command may run. */
    static final long COMMAND_SECONDS = 120;

    private final Map<String, String> defines;
    private final Path log;

    /**
     * {@code process}: the target the lab started (for kill faults), or null; {@code defines} fill command faults'
     * {@code ${NAME}} references; their output goes to {@code faults.log} in {@code dir}.
     */
    public FaultTimeline(HttpClient http, String providersUrl, List<Fault> faults, TargetProcess process, Map<String, String> defines, Path dir) {
        this.http = http;
        this.process = process;
        this.defines = defines;
        this.log = dir.resolve("faults.log");
        this.providers = providersUrl.replaceAll("/+$", "");
        this.faults = faults.stream().sorted(Comparator.comparingDouble(Fault::at)).toList();
    }

    /**
     * Injects the faults at their times, each on a thread of its own; {@code whenAllCleared} runs once every fault has
     * been set and cleared (not when the run was cut short first).
     */
    public Thread start(long runStart, Runnable whenAllCleared) {
        return Thread.ofVirtual().name("lab-faults").start(() -> {
            List<Thread> each = new ArrayList<>();
            for (Fault f : faults) {
                each.add(Thread.ofVirtual().start(() -> run(f, runStart)));
            }
            try {
                for (Thread t : each) {
                    t.join();
                }
                if (!faults.isEmpty()) {
                    whenAllCleared.run();
                }
            } catch (InterruptedException e) {
                each.forEach(Thread::interrupt);
                faults.stream().filter(Fault::viaProviders).forEach(f -> call("DELETE", f.provider(), null));
                Thread.currentThread().interrupt();
            }
        });
    }

    private void run(Fault f, long runStart) {
        if (f.kill()) {
            killAndRestart(f, runStart);
            return;
        }
        if (f.command()) {
            runAndUndo(f, runStart);
            return;
        }
        try {
            sleepUntil(runStart, f.at());
            Map<String, Object> body = new LinkedHashMap<>(f.set());
            body.put("durationMs", Math.round(f.seconds() * 1000));
            String error = call("PUT", f.provider(), json.writeValueAsString(body));
            double setAt = (System.nanoTime() - runStart) / 1e9;
            sleepUntil(runStart, f.at() + f.seconds());
            String clearError = call("DELETE", f.provider(), null);
            applied.add(new Applied(f.name(), f.provider(), setAt, (System.nanoTime() - runStart) / 1e9,
                    error != null ? error : clearError));
        } catch (InterruptedException e) {
            call("DELETE", f.provider(), null);
            Thread.currentThread().interrupt();
        }
    }

    /**
     * SIGKILL at {@code at}, a new process {@code seconds} later; cleared when it answers its health check again.
     * Kills follow one another: a kill due while the last restart still waits for health comes when that one is up,
     * so every kill hits a process that was serving (and a restart is never cut short by the next kill).
     */
    private void killAndRestart(Fault f, long runStart) {
        try {
            sleepUntil(runStart, f.at());
            restarts.lockInterruptibly();
            try {
                process.kill();
                double killedAt = (System.nanoTime() - runStart) / 1e9;
                sleepUntil(runStart, Math.max(f.at(), killedAt) + f.seconds());
                String error = null;
                try {
                    process.start();
                } catch (IOException | IllegalStateException e) {
                    error = "restarting the target failed: " + e.getMessage();
                }
                applied.add(new Applied(f.name(), "target", killedAt, (System.nanoTime() - runStart) / 1e9, error));
            } finally {
                restarts.unlock();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code run} at {@code at}, {@code undo} at {@code at + seconds} (or when {@code run} ended, if later). */
    private void runAndUndo(Fault f, long runStart) {
        List<String> run = Commands.expand(f.run(), defines);
        List<String> undo = Commands.expand(f.undo(), defines);
        String error = null;
        double setAt = Double.NaN;
        boolean interrupted = false;
        try {
            sleepUntil(runStart, f.at());
            setAt = (System.nanoTime() - runStart) / 1e9;
            error = Commands.run(run, log, COMMAND_SECONDS);
            sleepUntil(runStart, f.at() + f.seconds());
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (!Double.isNaN(setAt)) {
            // The undo runs even when the run is cut short: a database left stopped would outlive the lab.
            String undoError;
            try {
                undoError = Commands.run(undo, log, COMMAND_SECONDS);
            } catch (InterruptedException e) {
                undoError = undo + " was interrupted";
                interrupted = true;
            }
            applied.add(new Applied(f.name(), "command", setAt, (System.nanoTime() - runStart) / 1e9, error != null ? error : undoError));
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private String call(String method, String provider, String body) {
        String url = providers + "/faults/" + provider;
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                    .header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                    .build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() / 100 == 2 ? null : method + " " + url + " answered " + r.statusCode() + ": " + r.body();
        } catch (IOException e) {
            return method + " " + url + " failed: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return method + " " + url + " interrupted";
        }
    }

    private static void sleepUntil(long runStart, double seconds) throws InterruptedException {
        long wait = runStart + (long) (seconds * 1e9) - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    public List<Applied> applied() {
        return applied.stream().sorted(Comparator.comparingDouble(Applied::setAt)).toList();
    }
}
