package io.headroom.jobs;

import java.time.Instant;
import java.util.Objects;

/**
 * A job to enqueue. Build with {@link #builder(String, String, String)}; unset optional fields take the
 * queue's defaults ({@code runAt} = now, {@code maxAttempts} = {@link JobsConfig#defaultMaxAttempts()}).
 *
 * @param queue       the queue, e.g. {@code payments}
 * @param tenant      the tenant the work is for; claiming is fair across tenants
 * @param kind        selects the handler, e.g. {@code payments.charge}
 * @param payload     a JSON document
 * @param dedupKey    if set, unique per queue among unfinished jobs: a second enqueue returns the first job
 * @param priority    higher runs first within a tenant
 * @param runAt       not before this instant, or null for now
 * @param maxAttempts attempts before the job is dead-lettered, or null for the default
 * @param traceParent W3C {@code traceparent} of the enqueuing request, or null
 */
public record NewJob(String queue, String tenant, String kind, String payload, String dedupKey, int priority,
                     Instant runAt, Integer maxAttempts, String traceParent) {

    public NewJob {
        requireText(queue, "queue");
        requireText(tenant, "tenant");
        requireText(kind, "kind");
        Objects.requireNonNull(payload, "payload");
        if (dedupKey != null && dedupKey.isBlank()) {
            throw new IllegalArgumentException("dedupKey must not be blank when set");
        }
        if (priority < Short.MIN_VALUE || priority > Short.MAX_VALUE) {
            throw new IllegalArgumentException("priority must fit in a smallint, got " + priority);
        }
        if (maxAttempts != null && maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
    }

    public static Builder builder(String queue, String tenant, String kind) {
        return new Builder(queue, tenant, kind);
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }

    /** Builds a {@link NewJob}; not thread-safe. */
    public static final class Builder {
        private final String queue;
        private final String tenant;
        private final String kind;
        private String payload = "{}";
        private String dedupKey;
        private int priority;
        private Instant runAt;
        private Integer maxAttempts;
        private String traceParent;

        private Builder(String queue, String tenant, String kind) {
            this.queue = queue;
            this.tenant = tenant;
            this.kind = kind;
        }

        public Builder payload(String json) {
            this.payload = json;
            return this;
        }

        public Builder dedupKey(String key) {
            this.dedupKey = key;
            return this;
        }

        public Builder priority(int value) {
            this.priority = value;
            return this;
        }

        public Builder runAt(Instant at) {
            this.runAt = at;
            return this;
        }

        public Builder maxAttempts(int attempts) {
            this.maxAttempts = attempts;
            return this;
        }

        public Builder traceParent(String value) {
            this.traceParent = value;
            return this;
        }

        public NewJob build() {
            return new NewJob(queue, tenant, kind, payload, dedupKey, priority, runAt, maxAttempts, traceParent);
        }
    }
}
