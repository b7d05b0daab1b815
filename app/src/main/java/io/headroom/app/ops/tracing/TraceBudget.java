package io.headroom.app.ops.tracing;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.time.Clock;
import java.util.List;

/**
 * Head sampling with a budget: a new trace is recorded (after {@code management.tracing.sampling.probability}) while
 * fewer than {@code perSecond} were started in the current second, and not recorded beyond that until the next
 * second, in the manner of AWS X-Ray's reservoir. A span with a parent in this process follows its parent, so a trace
 * is recorded whole or not at all; a trace that a caller marks sampled in its {@code traceparent} still takes from the
 * budget, so clients cannot switch it off.
 *
 * <p>Why: at 5x capacity the app turns thousands of requests a second away, and recording each one's trace (its
 * server and admission spans, their attributes, their export) put OpenTelemetry or Micrometer Tracing code on the
 * stack of 18% of the app's CPU samples (JFR, 2026-12-07). With tracing off, the overload verdict's goodput went
 * from 0.48-0.61x to 0.71x at 2x and from 0.03-0.21x to 0.39x at 5x in that day's runs (README). Below the budget
 * every request is traced as before.
 */
final class TraceBudget implements Sampler {

    private final Sampler ratio;
    private final PerSecondSampler budget;

    private TraceBudget(double probability, int perSecond, Clock clock) {
        this.ratio = Sampler.traceIdRatioBased(probability);
        this.budget = new PerSecondSampler(perSecond, clock);
    }

    /** The app's sampler: new traces and those a caller marked sampled within the budget; spans of a trace follow its root. */
    static Sampler sampler(double probability, int perSecond, Clock clock) {
        TraceBudget root = new TraceBudget(probability, perSecond, clock);
        return Sampler.parentBasedBuilder(root).setRemoteParentSampled(root).build();
    }

    @Override
    public SamplingResult shouldSample(Context parentContext, String traceId, String name, SpanKind spanKind, Attributes attributes,
                                       List<LinkData> parentLinks) {
        SamplingResult byRatio = ratio.shouldSample(parentContext, traceId, name, spanKind, attributes, parentLinks);
        if (byRatio.getDecision() != SamplingDecision.RECORD_AND_SAMPLE) {
            return byRatio;
        }
        return budget.sample() == PerSecondSampler.LEAVE_OUT ? SamplingResult.drop() : SamplingResult.recordAndSample();
    }

    @Override
    public String getDescription() {
        return "TraceBudget{" + ratio.getDescription() + ", at most " + budget.perSecond() + " new traces a second}";
    }
}
