package io.headroom.app.ops.dashboard;

import io.headroom.app.ops.slo.SloTracker;
import io.headroom.app.ops.slo.Slos;
import io.headroom.app.web.ApiProblem;
import io.headroom.jobs.DeadJob;
import io.headroom.jobs.JobQueue;
import io.headroom.jobs.JobRegistration;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * What the operator dashboard at {@code /} shows (operator key): {@code GET /ops/dashboard} — the sampled golden
 * signals and saturation, traffic per tenant, SLOs and the newest dead letters; {@code GET /ops/dead-jobs} and
 * {@code POST /ops/dead-jobs/{id}/replay} — the dead-letter list and its replay action.
 */
@RestController
class DashboardController {

    private static final Logger log = LoggerFactory.getLogger(DashboardController.class);

    /** Everything the page draws, in one answer. */
    record Dashboard(String mode, Instant generatedAt, long sampleIntervalMillis, List<DashboardHistory.Sample> samples,
                     List<TenantRow> tenants, List<SloTracker.Status> slos, List<DeadJobView> deadJobs) {
    }

    /** A tenant label's admitted and rejected requests over the dashboard's window. */
    record TenantRow(String tenant, long admitted, long rejected) {
    }

    /** A dead-lettered job without its payload (which may hold what the job needs but an operator should not see). */
    record DeadJobView(long id, String queue, String tenant, String kind, int attempts, int maxAttempts, Instant enqueuedAt,
                       Instant diedAt, String lastError) {
        static DeadJobView of(DeadJob d) {
            return new DeadJobView(d.id(), d.queue(), d.tenant(), d.kind(), d.attempts(), d.maxAttempts(), d.enqueuedAt(),
                    d.diedAt(), d.lastError());
        }
    }

    record Replayed(long id, boolean replayed) {
    }

    private final DashboardHistory history;
    private final Slos slos;
    private final JobQueue queue;
    private final List<String> queues;
    private final String mode;
    private final Clock clock;

    DashboardController(DashboardHistory history, Slos slos, JobQueue queue, ObjectProvider<JobRegistration> registrations,
                        @Value("${headroom.mode:hardened}") String mode, Clock clock) {
        this.clock = clock;
        this.history = history;
        this.slos = slos;
        this.queue = queue;
        this.queues = List.copyOf(new TreeSet<>(registrations.orderedStream().map(JobRegistration::queue).toList()));
        this.mode = mode;
    }

    @GetMapping("/ops/dashboard")
    Dashboard dashboard(@RequestParam(defaultValue = "15") int minutes) {
        if (minutes < 1 || minutes > 60) {
            throw ApiProblem.invalid("minutes", "must be within 1..60 (the dashboard keeps one hour), got " + minutes);
        }
        List<DashboardHistory.Sample> samples = history.since(Duration.ofMinutes(minutes));
        Map<String, DashboardHistory.TenantCounts> byTenant = new TreeMap<>();
        for (DashboardHistory.Sample s : samples) {
            s.tenants().forEach((t, c) -> byTenant.merge(t, c, DashboardHistory.TenantCounts::plus));
        }
        List<TenantRow> tenants = byTenant.entrySet().stream()
                .map(e -> new TenantRow(e.getKey(), e.getValue().admitted(), e.getValue().rejected()))
                .sorted(Comparator.comparingLong((TenantRow r) -> r.admitted() + r.rejected()).reversed()).toList();
        return new Dashboard(mode, clock.instant(), history.interval().toMillis(), samples, tenants, slos.statuses(), deadJobs(null, 50));
    }

    @GetMapping("/ops/dead-jobs")
    List<DeadJobView> deadJobs(@RequestParam(required = false) String queue, @RequestParam(defaultValue = "50") int limit) {
        if (limit < 1 || limit > 500) {
            throw ApiProblem.invalid("limit", "must be within 1..500, got " + limit);
        }
        if (queue != null && !queues.contains(queue)) {
            throw ApiProblem.invalid("queue", "must be one of " + queues + ", got '" + queue + "'");
        }
        List<DeadJobView> dead = new ArrayList<>();
        try {
            for (String q : queue == null ? queues : List.of(queue)) {
                this.queue.deadJobs(q, limit).forEach(d -> dead.add(DeadJobView.of(d)));
            }
        } catch (SQLException e) {
            throw unavailable("listing dead jobs", e);
        }
        return dead.stream().sorted(Comparator.comparing(DeadJobView::diedAt).reversed()).limit(limit).toList();
    }

    @PostMapping("/ops/dead-jobs/{id}/replay")
    Replayed replay(@PathVariable long id) {
        boolean replayed;
        try {
            replayed = queue.replay(id);
        } catch (IllegalStateException dedupKeyTaken) {
            throw new ApiProblem(HttpStatus.CONFLICT, "dedup-key-taken", "Job cannot be replayed", dedupKeyTaken.getMessage());
        } catch (SQLException e) {
            throw unavailable("replaying dead job " + id, e);
        }
        if (!replayed) {
            throw ApiProblem.notFound("dead job", id);
        }
        log.info("dead job {} replayed by the operator: back to pending with its attempts reset", id);
        return new Replayed(id, true);
    }

    private static ApiProblem unavailable(String operation, SQLException e) {
        log.warn("{} failed: the job queue's database did not answer: {}", operation, e.getMessage());
        return new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "Temporarily unavailable",
                operation + " failed: the job queue's database did not answer; retry shortly");
    }
}
