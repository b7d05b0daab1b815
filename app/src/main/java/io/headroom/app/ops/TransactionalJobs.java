package io.headroom.app.ops;

import io.headroom.app.ops.tracing.Traceparents;
import io.headroom.jobs.Enqueued;
import io.micrometer.tracing.Tracer;
import io.headroom.jobs.JobQueue;
import io.headroom.jobs.NewJob;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Enqueues jobs on the connection of the current Spring transaction, so that a job exists if and only if the
 * business write it belongs to commits.
 */
@Component
public class TransactionalJobs {

    private final JobQueue queue;
    private final DataSource dataSource;
    private final Tracer tracer;

    TransactionalJobs(JobQueue queue, DataSource dataSource, Tracer tracer) {
        this.queue = queue;
        this.dataSource = dataSource;
        this.tracer = tracer;
    }

    /**
     * @throws io.headroom.jobs.TenantQueueFullException when the tenant has too many pending jobs on the queue
     * @throws IllegalStateException outside a transaction
     */
    public Enqueued enqueue(NewJob job) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("jobs are enqueued inside the transaction of the write they belong to");
        }
        if (job.traceParent() == null) {
            // The job continues the trace of the request that enqueued it.
            String traceparent = Traceparents.current(tracer);
            job = new NewJob(job.queue(), job.tenant(), job.kind(), job.payload(), job.dedupKey(), job.priority(), job.runAt(),
                    job.maxAttempts(), traceparent);
        }
        try {
            return queue.enqueue(DataSourceUtils.getConnection(dataSource), job);
        } catch (SQLException e) {
            throw new DataAccessResourceFailureException("could not enqueue " + job.kind() + " for tenant " + job.tenant() + ": " + e.getMessage(), e);
        }
    }
}
