package io.headroom.jobs;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;

/**
 * Makes a handler's database effects happen once per job, however often the job is delivered: record
 * {@code (handler, job key)} in the same transaction as the effects, and apply them only if the record is new.
 * <pre>{@code
 * connection.setAutoCommit(false);
 * if (effects.firstTime(connection, "orders.markPaid", job.key())) {
 *     ... the handler's writes, on the same connection ...
 * }
 * connection.commit();
 * }</pre>
 * A concurrent second delivery blocks on the first one's uncommitted record and then sees it: exactly one of
 * them applies the effects. Thread-safe.
 */
public final class IdempotentEffects {

    private final Clock clock;

    public IdempotentEffects(Clock clock) {
        this.clock = clock;
    }

    /**
     * Records the pair in the caller's transaction.
     *
     * @return true if this is the first time: apply the effects now, in the same transaction
     */
    public boolean firstTime(Connection transaction, String handler, String jobKey) throws SQLException {
        if (transaction.getAutoCommit()) {
            throw new IllegalStateException("firstTime needs the transaction that also applies the effects (autocommit is on)");
        }
        try (PreparedStatement insert = transaction.prepareStatement(
                "INSERT INTO jobs.handled (handler, job_key, handled_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
            insert.setString(1, handler);
            insert.setString(2, jobKey);
            insert.setTimestamp(3, Timestamp.from(clock.instant()));
            return insert.executeUpdate() == 1;
        }
    }
}
