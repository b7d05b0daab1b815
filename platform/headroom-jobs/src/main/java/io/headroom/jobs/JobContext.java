package io.headroom.jobs;

import java.time.Instant;

/** What a handler may ask about its run. Thread-safe. */
public interface JobContext {

    /** When the handler is interrupted as timed out. */
    Instant deadline();

    /**
     * Whether another worker may now own the job: its lease could not be renewed (the job was reclaimed after
     * this worker stalled). A handler doing long work should check and stop: its completion will not count.
     */
    boolean leaseLost();
}
