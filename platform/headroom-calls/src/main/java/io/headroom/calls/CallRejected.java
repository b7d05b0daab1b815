package io.headroom.calls;

/** The policy did not make the call (or no further attempt): nothing was sent this time. */
public final class CallRejected extends Exception {

    /** Why the call was not made. */
    public enum Reason {
        /** No time left before the caller's deadline. */
        DEADLINE,
        /** The circuit breaker is open. */
        CIRCUIT_OPEN,
        /** The dependency's bulkhead is full. */
        BULKHEAD_FULL,
        /** Client-side throttling: the dependency has been refusing work. */
        THROTTLED
    }

    private final String dependency;
    private final Reason reason;

    public CallRejected(String dependency, Reason reason) {
        super("call to " + dependency + " not made: " + switch (reason) {
            case DEADLINE -> "no time left before the deadline";
            case CIRCUIT_OPEN -> "its circuit breaker is open";
            case BULKHEAD_FULL -> "too many calls to it are in flight";
            case THROTTLED -> "it has been refusing work (client-side throttling)";
        });
        this.dependency = dependency;
        this.reason = reason;
    }

    public String dependency() {
        return dependency;
    }

    public Reason reason() {
        return reason;
    }
}
