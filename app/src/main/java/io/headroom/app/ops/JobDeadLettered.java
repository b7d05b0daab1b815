package io.headroom.app.ops;

import io.headroom.jobs.Job;

/**
 * A job was moved to the dead-letter queue: its handler failed on the last attempt, signalled a permanent failure,
 * or its worker died holding it on the last attempt (the lease reaper). Published after the move committed, on a
 * worker thread; modules listen for their own kinds (e.g. payments marks the order's payment stuck).
 */
public record JobDeadLettered(Job job, String reason) {
}
