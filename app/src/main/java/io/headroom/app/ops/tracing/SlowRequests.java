package io.headroom.app.ops.tracing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The most recent API requests with where their time went (bounded, oldest dropped first), for
 * {@code GET /ops/slow}: the slowest of the last minutes, filterable by tenant and route, linked to their traces.
 * Thread-safe.
 */
@Component
public class SlowRequests {

    /** One finished request; times in microseconds. */
    public record Entry(Instant at, String traceId, String tenant, String method, String route, int status, long totalMicros,
                        long admissionWaitMicros, long databaseMicros, long callsMicros, long otherMicros) {
    }

    private final int capacity;
    private final Clock clock;
    private final ArrayDeque<Entry> recent = new ArrayDeque<>();

    SlowRequests(@Value("${headroom.tracing.kept-requests:10000}") int capacity, Clock clock) {
        this.capacity = capacity;
        this.clock = clock;
    }

    synchronized void add(Entry e) {
        if (recent.size() >= capacity) {
            recent.removeFirst();
        }
        recent.addLast(e);
    }

    Entry entry(String traceId, String tenant, String method, String route, int status, long totalNanos, RequestTimings t) {
        long total = totalNanos / 1000;
        long wait = t.admissionWaitNanos() / 1000;
        long db = t.databaseNanos() / 1000;
        long calls = t.callsNanos() / 1000;
        return new Entry(clock.instant(), traceId, tenant, method, route, status, total, wait, db, calls, Math.max(0, total - wait - db - calls));
    }

    /** The slowest requests of the last {@code within}, slowest first; null filters match everything. */
    public synchronized List<Entry> slowest(Duration within, String tenant, String route, int limit) {
        Instant since = clock.instant().minus(within);
        return recent.stream()
                .filter(e -> !e.at().isBefore(since))
                .filter(e -> tenant == null || tenant.equals(e.tenant()))
                .filter(e -> route == null || route.equals(e.route()))
                .sorted(Comparator.comparingLong(Entry::totalMicros).reversed())
                .limit(limit).toList();
    }
}
