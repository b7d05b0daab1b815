package io.headroom.app.ops.admission;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

/**
 * The tenant label of per-tenant metrics with bounded cardinality: the {@code size} tenants with the most requests
 * in the last full window keep their own label, every other tenant is {@code other}. Until the named set is full,
 * a tenant seen for the first time is named at once (so a small system names every tenant). The ranking is redone
 * when a window ends, so a tenant that bursts is named from the next window on and one that goes quiet drops to
 * {@code other}; each window adds at most {@code size} label values. Thread-safe.
 */
final class TopTenantLabels {

    static final String OTHER = "other";
    /** Tenants counted per window at most: past it a newcomer is not counted until the next window (memory bound). */
    static final int MAX_COUNTED = 10_000;

    private final int size;
    private final Duration window;
    private final Clock clock;
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private volatile Set<String> named = Set.of();
    private volatile Instant windowEnds;

    TopTenantLabels(int size, Duration window, Clock clock) {
        if (size < 0 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("the tenant label bound must be >= 0 and its window positive, got " + size + " and " + window);
        }
        this.size = size;
        this.window = window;
        this.clock = clock;
        this.windowEnds = clock.instant().plus(window);
    }

    /** Counts one request of {@code tenant} and returns the label to use for it. */
    String label(String tenant) {
        if (!clock.instant().isBefore(windowEnds)) {
            rank();
        }
        LongAdder count = counts.get(tenant);
        if (count == null && counts.size() < MAX_COUNTED) {
            count = counts.computeIfAbsent(tenant, t -> new LongAdder());
        }
        if (count != null) {
            count.increment();
        }
        if (named.contains(tenant)) {
            return tenant;
        }
        synchronized (this) {
            if (named.size() < size) {
                Set<String> more = new HashSet<>(named);
                more.add(tenant);
                named = Set.copyOf(more);
                return tenant;
            }
        }
        return OTHER;
    }

    /** The tenants named now. */
    Set<String> named() {
        return named;
    }

    private synchronized void rank() {
        Instant now = clock.instant();
        if (now.isBefore(windowEnds)) {
            return;
        }
        named = counts.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<String, LongAdder> e) -> e.getValue().sum()).reversed()
                        .thenComparing(Map.Entry::getKey))
                .limit(size).map(Map.Entry::getKey).collect(Collectors.toUnmodifiableSet());
        counts.clear();
        windowEnds = now.plus(window);
    }
}
