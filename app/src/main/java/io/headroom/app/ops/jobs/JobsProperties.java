package io.headroom.app.ops.jobs;

import io.headroom.jobs.JobsConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code headroom.jobs.*}: the queue's settings (defaults from {@link JobsConfig#defaults()}) and the workers'. */
@ConfigurationProperties("headroom.jobs")
public class JobsProperties {

    private static final JobsConfig DEFAULTS = JobsConfig.defaults();

    /** Whether this instance runs workers; an API-only instance still enqueues. */
    private boolean workersEnabled = true;
    /** How long stopping waits for running jobs before releasing their leases. */
    private Duration stopGrace = Duration.ofSeconds(20);
    /** How often depth, age, dead letters and dead tuples are sampled for the gauges. */
    private Duration sampleInterval = Duration.ofSeconds(5);
    private Duration lease = DEFAULTS.lease();
    private Duration heartbeat = DEFAULTS.heartbeat();
    private Duration pollInterval = DEFAULTS.pollInterval();
    private int claimBatch = DEFAULTS.claimBatch();
    private int concurrency = DEFAULTS.concurrency();
    private Duration handlerTimeout = DEFAULTS.handlerTimeout();
    private Duration backoffBase = DEFAULTS.backoffBase();
    private Duration backoffCap = DEFAULTS.backoffCap();
    private int defaultMaxAttempts = DEFAULTS.defaultMaxAttempts();
    private int tenantPendingCap = DEFAULTS.tenantPendingCap();
    private Duration rotationInterval = DEFAULTS.rotationInterval();
    private Duration discoveryInterval = DEFAULTS.discoveryInterval();
    private Duration deadRetention = DEFAULTS.deadRetention();
    private Duration handledRetention = DEFAULTS.handledRetention();
    private boolean wakeOnNotify = DEFAULTS.wakeOnNotify();
    /**
     * The most jobs a queue's worker runs at once, where it is not {@code concurrency}: by queue name. application.yaml
     * gives the reports queue 3, the reports pool's connections. A name that is no queue with handlers fails the start.
     */
    private Map<String, Integer> queueConcurrency = new LinkedHashMap<>();

    JobsConfig toConfig() {
        return new JobsConfig(lease, heartbeat, pollInterval, claimBatch, concurrency, handlerTimeout, backoffBase, backoffCap,
                defaultMaxAttempts, tenantPendingCap, rotationInterval, discoveryInterval, deadRetention, handledRetention, wakeOnNotify);
    }

    public Map<String, Integer> getQueueConcurrency() { return queueConcurrency; }
    public void setQueueConcurrency(Map<String, Integer> value) { this.queueConcurrency = value; }
    public boolean isWorkersEnabled() { return workersEnabled; }
    public void setWorkersEnabled(boolean value) { this.workersEnabled = value; }
    public Duration getStopGrace() { return stopGrace; }
    public void setStopGrace(Duration value) { this.stopGrace = value; }
    public Duration getSampleInterval() { return sampleInterval; }
    public void setSampleInterval(Duration value) { this.sampleInterval = value; }
    public Duration getLease() { return lease; }
    public void setLease(Duration value) { this.lease = value; }
    public Duration getHeartbeat() { return heartbeat; }
    public void setHeartbeat(Duration value) { this.heartbeat = value; }
    public Duration getPollInterval() { return pollInterval; }
    public void setPollInterval(Duration value) { this.pollInterval = value; }
    public int getClaimBatch() { return claimBatch; }
    public void setClaimBatch(int value) { this.claimBatch = value; }
    public int getConcurrency() { return concurrency; }
    public void setConcurrency(int value) { this.concurrency = value; }
    public Duration getHandlerTimeout() { return handlerTimeout; }
    public void setHandlerTimeout(Duration value) { this.handlerTimeout = value; }
    public Duration getBackoffBase() { return backoffBase; }
    public void setBackoffBase(Duration value) { this.backoffBase = value; }
    public Duration getBackoffCap() { return backoffCap; }
    public void setBackoffCap(Duration value) { this.backoffCap = value; }
    public int getDefaultMaxAttempts() { return defaultMaxAttempts; }
    public void setDefaultMaxAttempts(int value) { this.defaultMaxAttempts = value; }
    public int getTenantPendingCap() { return tenantPendingCap; }
    public void setTenantPendingCap(int value) { this.tenantPendingCap = value; }
    public Duration getRotationInterval() { return rotationInterval; }
    public void setRotationInterval(Duration value) { this.rotationInterval = value; }
    public Duration getDiscoveryInterval() { return discoveryInterval; }
    public void setDiscoveryInterval(Duration value) { this.discoveryInterval = value; }
    public Duration getDeadRetention() { return deadRetention; }
    public void setDeadRetention(Duration value) { this.deadRetention = value; }
    public Duration getHandledRetention() { return handledRetention; }
    public void setHandledRetention(Duration value) { this.handledRetention = value; }
    public boolean isWakeOnNotify() { return wakeOnNotify; }
    public void setWakeOnNotify(boolean value) { this.wakeOnNotify = value; }
}
