package io.headroom.jobs;

import static io.headroom.jobs.QueueTestSupport.await;
import static io.headroom.jobs.QueueTestSupport.enqueue;
import static io.headroom.jobs.QueueTestSupport.scalar;
import static io.headroom.jobs.QueueTestSupport.sql;
import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.testing.FreshDatabase;
import io.headroom.testing.TestDatabase;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real worker JVMs, killed with real SIGKILLs. */
@FreshDatabase
class ProcessCrashTest {

    static final Duration LEASE = Duration.ofSeconds(2);
    final List<Worker> workers = new ArrayList<>();

    @BeforeEach
    void effectsTable(TestDatabase db) throws Exception {
        QueueTestSupport.execute(db.dataSource(), "CREATE TABLE IF NOT EXISTS effects (job_id bigint NOT NULL, worker text NOT NULL)");
    }

    @AfterEach
    void stopWorkers(TestDatabase db) throws Exception {
        workers.forEach(w -> w.process.destroyForcibly());
        for (Worker w : workers) {
            w.process.waitFor(10, TimeUnit.SECONDS);
        }
        QueueInvariants.assertHold(db.dataSource());
    }

    @Test
    void aWorkerKilledMidJobLeavesTheJobToRunAgainAfterItsLeaseAndTheEffectHappensOnce(TestDatabase db) throws Exception {
        JobQueue queue = new JobQueue(db.dataSource(), JobsConfig.defaults(), Clock.systemUTC(), JobEvents.NONE);
        long id = enqueue(queue, NewJob.builder("crash", "t", "effect").build()).id();

        Worker doomed = start(db, "crash", "--stall-after-effect");
        assertThat(doomed.awaitLine("EFFECT-COMMITTED " + id, Duration.ofSeconds(60))).isTrue();
        doomed.process.toHandle().destroyForcibly();  // SIGKILL, mid-job: effect committed, job not acknowledged
        assertThat(doomed.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(scalar(db.dataSource(), "SELECT count(*) FROM jobs.job WHERE id = ? AND state = 'running'", id)).isEqualTo(1);

        start(db, "crash");
        await("job rerun and finished after the lease expired", Duration.ofSeconds(60),
                sql(() -> scalar(db.dataSource(), "SELECT count(*) FROM jobs.job WHERE id = ?", id) == 0));

        assertThat(scalar(db.dataSource(), "SELECT count(*) FROM effects WHERE job_id = ?", id)).as("effect applied once").isEqualTo(1);
        assertThat(scalar(db.dataSource(), "SELECT count(*) FROM jobs.dead_job")).isZero();
    }

    @Test
    void threeWorkerProcessesOneKilledMidRunFinishEveryJobWithNoEffectTwice(TestDatabase db) throws Exception {
        JobQueue queue = new JobQueue(db.dataSource(), JobsConfig.defaults(), Clock.systemUTC(), JobEvents.NONE);
        int jobs = 3_000;
        try (var c = db.connect()) {
            c.setAutoCommit(false);
            for (int i = 0; i < jobs; i++) {
                queue.enqueue(c, NewJob.builder("shared", "tenant-" + (i % 5), "effect").build());
            }
            c.commit();
        }
        for (int i = 0; i < 3; i++) {
            start(db, "shared");
        }
        await("a third done", Duration.ofSeconds(120), sql(() -> scalar(db.dataSource(), "SELECT count(*) FROM effects") >= jobs / 3));
        workers.get(0).process.toHandle().destroyForcibly();

        await("every job finished", Duration.ofSeconds(120), sql(() -> scalar(db.dataSource(), "SELECT count(*) FROM jobs.job WHERE queue = 'shared'") == 0));

        assertThat(scalar(db.dataSource(), "SELECT count(*) FROM effects")).as("no job lost").isEqualTo(jobs);
        assertThat(scalar(db.dataSource(), "SELECT count(DISTINCT job_id) FROM effects")).as("no effect twice").isEqualTo(jobs);
        assertThat(scalar(db.dataSource(), "SELECT count(DISTINCT worker) FROM effects")).as("all three took part").isEqualTo(3);
        assertThat(scalar(db.dataSource(), "SELECT count(*) FROM jobs.dead_job")).isZero();
    }

    record Worker(Process process, BlockingQueue<String> lines) {
        boolean awaitLine(String expected, Duration bound) throws InterruptedException {
            long deadline = System.nanoTime() + bound.toNanos();
            while (System.nanoTime() < deadline) {
                String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (expected.equals(line)) {
                    return true;
                }
            }
            return false;
        }
    }

    Worker start(TestDatabase db, String queue, String... flags) throws IOException {
        String classpath = "target/test-classes" + java.io.File.pathSeparator + "target/classes" + java.io.File.pathSeparator
                + Files.readString(Path.of("target/test.classpath")).trim();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath, WorkerProcess.class.getName(), db.jdbcUrl(), queue, Long.toString(LEASE.toMillis())));
        command.addAll(List.of(flags));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    lines.add(line);
                }
            } catch (IOException closed) {
                lines.add("[output closed: " + closed.getMessage() + "]");
            }
        });
        Worker worker = new Worker(process, lines);
        workers.add(worker);
        return worker;
    }
}
