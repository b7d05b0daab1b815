package io.headroom.jobs;

/**
 * The outcome of an enqueue.
 *
 * @param id        the job's id
 * @param duplicate true when an unfinished job with the same dedup key already existed; {@code id} is that job's
 */
public record Enqueued(long id, boolean duplicate) {
}
