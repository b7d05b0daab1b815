package io.headroom.app.ops.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.testing.MutableClock;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TraceBudgetTest {

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String SPAN = "00f067aa0ba902b7";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T10:00:00.100Z"));

    @Test
    void newTracesAreRecordedUpToTheBudgetEachSecondAndSpansFollowTheirTrace() {
        Sampler sampler = TraceBudget.sampler(1.0, 3, clock);

        assertThat(List.of(decide(sampler, Context.root()), decide(sampler, Context.root()), decide(sampler, Context.root())))
                .as("the first three new traces of the second").containsOnly(SamplingDecision.RECORD_AND_SAMPLE);
        assertThat(decide(sampler, Context.root())).as("the fourth").isEqualTo(SamplingDecision.DROP);
        assertThat(decide(sampler, parent(false, true))).as("a caller's sampled trace takes from the budget too")
                .isEqualTo(SamplingDecision.DROP);
        assertThat(decide(sampler, parent(true, true))).as("a span of a recorded trace of this process, past the budget")
                .isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
        assertThat(decide(sampler, parent(true, false))).as("a span of a trace not recorded").isEqualTo(SamplingDecision.DROP);

        clock.advance(Duration.ofMillis(900)); // 10:00:01.000, a new second
        assertThat(decide(sampler, parent(false, true))).as("a caller's sampled trace within the new second's budget")
                .isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
        assertThat(decide(sampler, Context.root())).isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
    }

    @Test
    void theProbabilityStillAppliesAndWhatItDropsTakesNothingFromTheBudget() {
        // With probability 0.5, OpenTelemetry's ratio sampler keeps a trace whose id's last 16 hex digits are below
        // half of Long.MAX_VALUE, and drops one above.
        String keptByRatio = "4bf92f3577b34da60000000000000001";
        String droppedByRatio = "4bf92f3577b34da67ffffffffffffffe";
        Sampler half = TraceBudget.sampler(0.5, 1, clock);
        for (int i = 0; i < 5; i++) {
            assertThat(decide(half, Context.root(), droppedByRatio)).isEqualTo(SamplingDecision.DROP);
        }
        assertThat(decide(half, Context.root(), keptByRatio)).as("the budget of one, untouched by the five dropped before")
                .isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
        assertThat(decide(half, Context.root(), keptByRatio)).as("now spent").isEqualTo(SamplingDecision.DROP);
        assertThat(half.getDescription()).contains("at most 1 new traces a second");

        Sampler zeroBudget = TraceBudget.sampler(1.0, 0, clock);
        assertThat(decide(zeroBudget, Context.root())).isEqualTo(SamplingDecision.DROP);
    }

    private static SamplingDecision decide(Sampler sampler, Context parent) {
        return decide(sampler, parent, TRACE);
    }

    private static SamplingDecision decide(Sampler sampler, Context parent, String traceId) {
        return sampler.shouldSample(parent, traceId, "http post /v1/orders", SpanKind.SERVER, Attributes.empty(), List.of()).getDecision();
    }

    /** A context whose span is in this process ({@code local}) or came in a caller's traceparent, sampled or not. */
    private static Context parent(boolean local, boolean sampled) {
        TraceFlags flags = sampled ? TraceFlags.getSampled() : TraceFlags.getDefault();
        SpanContext context = local ? SpanContext.create(TRACE, SPAN, flags, TraceState.getDefault())
                : SpanContext.createFromRemoteParent(TRACE, SPAN, flags, TraceState.getDefault());
        return Context.root().with(Span.wrap(context));
    }
}
