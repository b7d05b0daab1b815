package io.headroom.jobs;

import java.time.Instant;

/** Vacuum statistics of one of the queue's tables, from {@code pg_stat_user_tables}. */
public record TableHealth(String table, long liveTuples, long deadTuples, Instant lastAutovacuum) {
}
