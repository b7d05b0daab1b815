package io.headroom.jobs;

/**
 * A handler for one kind of job on one queue, as an application declares it (for instance as a bean that a
 * container collects into one {@link JobWorker} per queue).
 */
public record JobRegistration(String queue, String kind, JobHandler handler) {

    public JobRegistration {
        if (queue == null || queue.isBlank() || kind == null || kind.isBlank() || handler == null) {
            throw new IllegalArgumentException("a job registration needs a queue, a kind and a handler");
        }
    }
}
