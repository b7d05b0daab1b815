package io.headroom.app.ops.tracing;

/**
 * Where a request's time went, collected on its thread: waiting for admission, in the database (connection
 * acquire and statements), and in outbound calls. Started and finished by the access log; the parts are added by
 * the admission filter, the database pools and the provider client.
 */
public final class RequestTimings {

    private static final ThreadLocal<RequestTimings> CURRENT = new ThreadLocal<>();

    private long admissionWaitNanos;
    private long databaseNanos;
    private long callsNanos;

    static RequestTimings start() {
        RequestTimings t = new RequestTimings();
        CURRENT.set(t);
        return t;
    }

    static void finish() {
        CURRENT.remove();
    }

    public static void admissionWait(long nanos) {
        RequestTimings t = CURRENT.get();
        if (t != null) {
            t.admissionWaitNanos += nanos;
        }
    }

    public static void database(long nanos) {
        RequestTimings t = CURRENT.get();
        if (t != null) {
            t.databaseNanos += nanos;
        }
    }

    public static void calls(long nanos) {
        RequestTimings t = CURRENT.get();
        if (t != null) {
            t.callsNanos += nanos;
        }
    }

    long admissionWaitNanos() {
        return admissionWaitNanos;
    }

    long databaseNanos() {
        return databaseNanos;
    }

    long callsNanos() {
        return callsNanos;
    }
}
