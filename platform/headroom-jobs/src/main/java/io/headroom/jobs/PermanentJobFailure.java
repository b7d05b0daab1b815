package io.headroom.jobs;

/** Thrown by a handler when retrying cannot help (bad payload, a permanent decline): the job goes to dead-letter. */
public class PermanentJobFailure extends RuntimeException {

    public PermanentJobFailure(String message) {
        super(message);
    }

    public PermanentJobFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
