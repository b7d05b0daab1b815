package io.headroom.lab.load;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Every intended request of a run, by the 1-second window of its <em>intended</em> start and by its label (an
 * operation of the mix, or an extra stream): outcomes, goodput, lateness of the generator, and latency from the
 * intended start in an HdrHistogram — so a stall of the target shows in the windows whose requests it delayed,
 * and coordinated omission cannot hide it. Thread-safe.
 */
public final class Recorder {

    /** Latencies are recorded in microseconds up to an hour. */
    static final long MAX_MICROS = 3_600_000_000L;

    /** One label's requests in one window. */
    public static final class Cell {
        private final Histogram latency = new ConcurrentHistogram(1, MAX_MICROS, 3);
        private final Map<Outcome, LongAdder> outcomes = new EnumMap<>(Outcome.class);
        private final LongAdder goodput = new LongAdder();
        private final LongAdder late = new LongAdder();
        private final LongAdder dispatched = new LongAdder();

        Cell() {
            for (Outcome o : Outcome.values()) {
                outcomes.put(o, new LongAdder());
            }
        }

        public Histogram latency() {
            return latency;
        }

        public long count(Outcome o) {
            return outcomes.get(o).sum();
        }

        /** Intended requests: sent or dropped. */
        public long offered() {
            return outcomes.values().stream().mapToLong(LongAdder::sum).sum();
        }

        public long goodput() {
            return goodput.sum();
        }

        /** Intended requests counted when they were due, before any ended (for the live progress line). */
        public long dispatched() {
            return dispatched.sum();
        }

        /** Sent more than {@link Generator#LATE_NANOS} after their intended start (the generator fell behind). */
        public long late() {
            return late.sum();
        }
    }

    private final Map<Integer, Map<String, Cell>> windows = new ConcurrentHashMap<>();

    /** Records a request that ended; {@code latencyNanos} counts from its intended start. */
    public void record(int window, String label, Outcome outcome, long latencyNanos, boolean withinDeadline, boolean late) {
        Cell c = cell(window, label);
        c.outcomes.get(outcome).increment();
        if (outcome != Outcome.DROPPED) {
            c.latency.recordValue(Math.min(MAX_MICROS, Math.max(1, latencyNanos / 1000)));
        }
        if (outcome == Outcome.OK && withinDeadline) {
            c.goodput.increment();
        }
        if (late) {
            c.late.increment();
        }
    }

    /** Counts a request when it is due (sent or dropped); {@link #record} follows when it ends. */
    public void due(int window, String label) {
        cell(window, label).dispatched.increment();
    }

    private Cell cell(int window, String label) {
        return windows.computeIfAbsent(window, w -> new ConcurrentHashMap<>()).computeIfAbsent(label, l -> new Cell());
    }

    /** The cells of one window by label; empty when nothing was intended in it. */
    public Map<String, Cell> window(int window) {
        return windows.getOrDefault(window, Map.of());
    }

    /** The number of the last window with a request, or -1. */
    public int lastWindow() {
        return windows.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1);
    }
}
