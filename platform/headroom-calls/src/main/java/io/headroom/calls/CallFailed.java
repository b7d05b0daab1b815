package io.headroom.calls;

/** Every attempt the policy made ended in an exception (no answer: refused, reset, timed out). */
public final class CallFailed extends Exception {

    private final int attempts;

    public CallFailed(String dependency, int attempts, Throwable last) {
        super("call to " + dependency + " failed after " + attempts + " attempt" + (attempts == 1 ? "" : "s") + ": " + last.getMessage(), last);
        this.attempts = attempts;
    }

    public int attempts() {
        return attempts;
    }
}
