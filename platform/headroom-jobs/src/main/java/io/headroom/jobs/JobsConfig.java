package io.headroom.jobs;

import java.time.Duration;

/**
 * Immutable settings of a queue and its workers. Defaults are safe at ten times a busy day's load; see the
 * module README for why each is what it is.
 *
 * @param lease               how long a claim is valid without a heartbeat; a crashed worker's jobs rerun after it
 * @param heartbeat           how often a worker renews the leases of its running jobs (well under {@code lease})
 * @param pollInterval        the longest an idle worker waits before looking again when no NOTIFY arrives
 * @param claimBatch          the most jobs one claim takes
 * @param concurrency         the most jobs one worker runs at once
 * @param handlerTimeout      a handler running longer is interrupted and counts as failed
 * @param backoffBase         first retry waits up to {@code base * 2}; doubling per attempt (full jitter)
 * @param backoffCap          no retry waits longer than this
 * @param defaultMaxAttempts  attempts before dead-letter, unless the job says otherwise
 * @param tenantPendingCap    pending jobs one tenant may have on one queue; more are refused
 * @param rotationInterval    how often the queue table's oldest generation is truncated
 * @param deadRetention       dead jobs older than this are purged
 * @param handledRetention    idempotency records older than this are purged (must outlive any redelivery)
 * @param wakeOnNotify            whether enqueue sends NOTIFY and workers LISTEN; off behind transaction-mode poolers
 */
public record JobsConfig(Duration lease, Duration heartbeat, Duration pollInterval, int claimBatch, int concurrency,
                         Duration handlerTimeout, Duration backoffBase, Duration backoffCap, int defaultMaxAttempts,
                         int tenantPendingCap, Duration rotationInterval, Duration deadRetention, Duration handledRetention,
                         boolean wakeOnNotify) {

    public JobsConfig {
        if (heartbeat.compareTo(lease) >= 0) {
            throw new IllegalArgumentException("heartbeat (" + heartbeat + ") must be shorter than the lease (" + lease + ")");
        }
        if (claimBatch < 1 || concurrency < 1 || defaultMaxAttempts < 1 || tenantPendingCap < 1) {
            throw new IllegalArgumentException("claimBatch, concurrency, defaultMaxAttempts and tenantPendingCap must be positive");
        }
        if (backoffBase.isNegative() || backoffCap.compareTo(backoffBase) < 0) {
            throw new IllegalArgumentException("need 0 <= backoffBase <= backoffCap");
        }
    }

    public static JobsConfig defaults() {
        return new JobsConfig(Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(1), 20, 16,
                Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofMinutes(5), 10, 100_000,
                Duration.ofSeconds(10), Duration.ofDays(14), Duration.ofDays(7), true);
    }

    public JobsConfig withLease(Duration lease, Duration heartbeat) {
        return new JobsConfig(lease, heartbeat, pollInterval, claimBatch, concurrency, handlerTimeout, backoffBase, backoffCap,
                defaultMaxAttempts, tenantPendingCap, rotationInterval, deadRetention, handledRetention, wakeOnNotify);
    }

    public JobsConfig withPollInterval(Duration value) {
        return new JobsConfig(lease, heartbeat, value, claimBatch, concurrency, handlerTimeout, backoffBase, backoffCap,
                defaultMaxAttempts, tenantPendingCap, rotationInterval, deadRetention, handledRetention, wakeOnNotify);
    }

    public JobsConfig withClaimBatch(int value) {
        return new JobsConfig(lease, heartbeat, pollInterval, value, concurrency, handlerTimeout, backoffBase, backoffCap,
                defaultMaxAttempts, tenantPendingCap, rotationInterval, deadRetention, handledRetention, wakeOnNotify);
    }

    public JobsConfig withConcurrency(int value) {
        return new JobsConfig(lease, heartbeat, pollInterval, claimBatch, value, handlerTimeout, backoffBase, backoffCap,
                defaultMaxAttempts, tenantPendingCap, rotationInterval, deadRetention, handledRetention, wakeOnNotify);
    }

    public JobsConfig withHandlerTimeout(Duration value) {
        return new JobsConfig(lease, heartbeat, pollInterval, claimBatch, concurrency, value, backoffBase, backoffCap,
                defaultMaxAttempts, tenantPendingCap, rotationInterval, deadRetention, handledRetention, wakeOnNotify);
    }

    public JobsConfig withBackoff(Duration base, Duration cap) {
        return new JobsConfig(lease, heartbeat, pollInterval, claimBatch, concurrency, handlerTimeout, base, cap,
                defaultMaxAttempts, tenantPendingCap, rotationInterval, deadRetention, handledRetention, wakeOnNotify);
    }

    public JobsConfig withDefaultMaxAttempts(int value) {
        return new JobsConfig(lease, heartbeat, pollInterval, claimBatch, concurrency, handlerTimeout, backoffBase, backoffCap,
                value, tenantPendingCap, rotationInterval, deadRetention, handledRetention, wakeOnNotify);
    }

    public JobsConfig withTenantPendingCap(int value) {
        return new JobsConfig(lease, heartbeat, pollInterval, claimBatch, concurrency, handlerTimeout, backoffBase, backoffCap,
                defaultMaxAttempts, value, rotationInterval, deadRetention, handledRetention, wakeOnNotify);
    }

    public JobsConfig withRotationInterval(Duration value) {
        return new JobsConfig(lease, heartbeat, pollInterval, claimBatch, concurrency, handlerTimeout, backoffBase, backoffCap,
                defaultMaxAttempts, tenantPendingCap, value, deadRetention, handledRetention, wakeOnNotify);
    }

    public JobsConfig withRetention(Duration dead, Duration handled) {
        return new JobsConfig(lease, heartbeat, pollInterval, claimBatch, concurrency, handlerTimeout, backoffBase, backoffCap,
                defaultMaxAttempts, tenantPendingCap, rotationInterval, dead, handled, wakeOnNotify);
    }

    public JobsConfig withWakeOnNotify(boolean value) {
        return new JobsConfig(lease, heartbeat, pollInterval, claimBatch, concurrency, handlerTimeout, backoffBase, backoffCap,
                defaultMaxAttempts, tenantPendingCap, rotationInterval, deadRetention, handledRetention, value);
    }
}
