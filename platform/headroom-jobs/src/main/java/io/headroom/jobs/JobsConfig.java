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
 * @param discoveryInterval   how often a worker looks up the tenants with ready jobs afresh (and resets its claim ranges)
 * @param deadRetention       dead jobs older than this are purged
 * @param handledRetention    idempotency records older than this are purged (must outlive any redelivery)
 * @param wakeOnNotify            whether enqueue sends NOTIFY and workers LISTEN; off behind transaction-mode poolers
 */
public record JobsConfig(Duration lease, Duration heartbeat, Duration pollInterval, int claimBatch, int concurrency,
                         Duration handlerTimeout, Duration backoffBase, Duration backoffCap, int defaultMaxAttempts,
                         int tenantPendingCap, Duration rotationInterval, Duration discoveryInterval, Duration deadRetention,
                         Duration handledRetention, boolean wakeOnNotify) {

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
        return new Builder().build();
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    public JobsConfig withLease(Duration lease, Duration heartbeat) {
        return toBuilder().lease(lease, heartbeat).build();
    }

    public JobsConfig withPollInterval(Duration value) {
        return toBuilder().pollInterval(value).build();
    }

    public JobsConfig withClaimBatch(int value) {
        return toBuilder().claimBatch(value).build();
    }

    public JobsConfig withConcurrency(int value) {
        return toBuilder().concurrency(value).build();
    }

    public JobsConfig withHandlerTimeout(Duration value) {
        return toBuilder().handlerTimeout(value).build();
    }

    public JobsConfig withBackoff(Duration base, Duration cap) {
        return toBuilder().backoff(base, cap).build();
    }

    public JobsConfig withDefaultMaxAttempts(int value) {
        return toBuilder().defaultMaxAttempts(value).build();
    }

    public JobsConfig withTenantPendingCap(int value) {
        return toBuilder().tenantPendingCap(value).build();
    }

    public JobsConfig withRotationInterval(Duration value) {
        return toBuilder().rotationInterval(value).build();
    }

    public JobsConfig withDiscoveryInterval(Duration value) {
        return toBuilder().discoveryInterval(value).build();
    }

    public JobsConfig withRetention(Duration dead, Duration handled) {
        return toBuilder().retention(dead, handled).build();
    }

    public JobsConfig withWakeOnNotify(boolean value) {
        return toBuilder().wakeOnNotify(value).build();
    }

    /** Builds a {@link JobsConfig}; starts from the defaults. Not thread-safe. */
    public static final class Builder {
        private Duration lease = Duration.ofSeconds(30);
        private Duration heartbeat = Duration.ofSeconds(10);
        private Duration pollInterval = Duration.ofSeconds(1);
        private int claimBatch = 20;
        private int concurrency = 16;
        private Duration handlerTimeout = Duration.ofSeconds(60);
        private Duration backoffBase = Duration.ofSeconds(1);
        private Duration backoffCap = Duration.ofMinutes(5);
        private int defaultMaxAttempts = 10;
        private int tenantPendingCap = 100_000;
        private Duration rotationInterval = Duration.ofSeconds(2);
        private Duration discoveryInterval = Duration.ofSeconds(1);
        private Duration deadRetention = Duration.ofDays(14);
        private Duration handledRetention = Duration.ofDays(7);
        private boolean wakeOnNotify = true;

        public Builder() {
        }

        private Builder(JobsConfig c) {
            lease = c.lease;
            heartbeat = c.heartbeat;
            pollInterval = c.pollInterval;
            claimBatch = c.claimBatch;
            concurrency = c.concurrency;
            handlerTimeout = c.handlerTimeout;
            backoffBase = c.backoffBase;
            backoffCap = c.backoffCap;
            defaultMaxAttempts = c.defaultMaxAttempts;
            tenantPendingCap = c.tenantPendingCap;
            rotationInterval = c.rotationInterval;
            discoveryInterval = c.discoveryInterval;
            deadRetention = c.deadRetention;
            handledRetention = c.handledRetention;
            wakeOnNotify = c.wakeOnNotify;
        }

        public Builder lease(Duration lease, Duration heartbeat) {
            this.lease = lease;
            this.heartbeat = heartbeat;
            return this;
        }

        public Builder pollInterval(Duration value) {
            this.pollInterval = value;
            return this;
        }

        public Builder claimBatch(int value) {
            this.claimBatch = value;
            return this;
        }

        public Builder concurrency(int value) {
            this.concurrency = value;
            return this;
        }

        public Builder handlerTimeout(Duration value) {
            this.handlerTimeout = value;
            return this;
        }

        public Builder backoff(Duration base, Duration cap) {
            this.backoffBase = base;
            this.backoffCap = cap;
            return this;
        }

        public Builder defaultMaxAttempts(int value) {
            this.defaultMaxAttempts = value;
            return this;
        }

        public Builder tenantPendingCap(int value) {
            this.tenantPendingCap = value;
            return this;
        }

        public Builder rotationInterval(Duration value) {
            this.rotationInterval = value;
            return this;
        }

        public Builder discoveryInterval(Duration value) {
            this.discoveryInterval = value;
            return this;
        }

        public Builder retention(Duration dead, Duration handled) {
            this.deadRetention = dead;
            this.handledRetention = handled;
            return this;
        }

        public Builder wakeOnNotify(boolean value) {
            this.wakeOnNotify = value;
            return this;
        }

        public JobsConfig build() {
            return new JobsConfig(lease, heartbeat, pollInterval, claimBatch, concurrency, handlerTimeout, backoffBase, backoffCap,
                    defaultMaxAttempts, tenantPendingCap, rotationInterval, discoveryInterval, deadRetention, handledRetention,
                    wakeOnNotify);
        }
    }
}
