package io.headroom.app.ops.tracing;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** W3C {@code traceparent} values: written from a span, read back into a parent context for a job's span. */
public final class Traceparents {

    private static final Pattern FORMAT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");

    private Traceparents() {
    }

    /** The span's traceparent, flagged sampled or not as its trace is (see {@link TraceBudget}). */
    public static String of(Span span) {
        return "00-" + span.context().traceId() + "-" + span.context().spanId() + (Boolean.TRUE.equals(span.context().sampled()) ? "-01" : "-00");
    }

    /** The current span's traceparent, or null outside a trace. */
    public static String current(Tracer tracer) {
        Span span = tracer.currentSpan();
        return span == null ? null : of(span);
    }

    /**
     * A started span named {@code name}, child of the span {@code traceparent} names (a job continues the trace of
     * the request that enqueued it), recorded if that trace is (the traceparent's sampled flag); or of the current span
     * if it names none.
     */
    public static Span startChildOf(Tracer tracer, String traceparent, String name) {
        Matcher m = traceparent == null ? null : FORMAT.matcher(traceparent);
        if (m == null || !m.matches()) {
            return tracer.nextSpan().name(name).start();
        }
        boolean sampled = (Integer.parseInt(m.group(3), 16) & 1) == 1;
        TraceContext parent = tracer.traceContextBuilder().traceId(m.group(1)).spanId(m.group(2)).sampled(sampled).build();
        return tracer.spanBuilder().setParent(parent).name(name).start();
    }
}
