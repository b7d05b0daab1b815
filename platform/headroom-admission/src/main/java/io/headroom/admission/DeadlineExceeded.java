package io.headroom.admission;

/** Work was not started because the deadline it belongs to has passed. */
public final class DeadlineExceeded extends RuntimeException {

    public DeadlineExceeded(String message) {
        super(message);
    }
}
