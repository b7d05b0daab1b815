package io.headroom.jobs;

/**
 * The tenant already has as many pending jobs on the queue as its cap allows: backpressure that an API turns
 * into 429 (this tenant) or 503 (the queue as a whole). Nothing was enqueued.
 */
public class TenantQueueFullException extends RuntimeException {

    private final String queue;
    private final String tenant;
    private final int cap;

    public TenantQueueFullException(String queue, String tenant, int cap) {
        super("tenant " + tenant + " already has " + cap + " pending jobs on queue " + queue + " (its cap); try again later");
        this.queue = queue;
        this.tenant = tenant;
        this.cap = cap;
    }

    public String queue() {
        return queue;
    }

    public String tenant() {
        return tenant;
    }

    public int cap() {
        return cap;
    }
}
