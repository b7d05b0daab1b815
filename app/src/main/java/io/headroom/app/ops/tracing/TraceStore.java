package io.headroom.app.ops.tracing;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The most recent finished spans, kept in memory (bounded, oldest dropped first) so that a trace can be looked at
 * with no tracing backend: {@code GET /ops/traces/{traceId}}. Spans also go to OTLP when an endpoint is
 * configured. Thread-safe.
 */
@Component
public class TraceStore {

    /** A span as the API shows it. */
    public record SpanView(String name, String spanId, String parentSpanId, String start, long durationMicros,
                           String status, Map<String, String> attributes) {
    }

    private final int capacity;
    private final ArrayDeque<SpanData> spans = new ArrayDeque<>();

    TraceStore(@Value("${headroom.tracing.kept-spans:20000}") int capacity) {
        this.capacity = capacity;
    }

    /** The spans of a trace, in start order. */
    public synchronized List<SpanView> trace(String traceId) {
        return spans.stream().filter(s -> s.getTraceId().equals(traceId))
                .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
                .map(TraceStore::view).toList();
    }

    synchronized void add(Collection<SpanData> finished) {
        for (SpanData s : finished) {
            if (spans.size() >= capacity) {
                spans.removeFirst();
            }
            spans.addLast(s);
        }
    }

    SpanExporter exporter() {
        return new SpanExporter() {
            @Override
            public CompletableResultCode export(Collection<SpanData> finished) {
                add(finished);
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode flush() {
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode shutdown() {
                return CompletableResultCode.ofSuccess();
            }
        };
    }

    private static SpanView view(SpanData s) {
        Map<String, String> attributes = new LinkedHashMap<>();
        s.getAttributes().forEach((k, v) -> attributes.put(k.getKey(), String.valueOf(v)));
        String parent = s.getParentSpanContext().isValid() ? s.getParentSpanId() : null;
        return new SpanView(s.getName(), s.getSpanId(), parent, java.time.Instant.ofEpochSecond(0, s.getStartEpochNanos()).toString(),
                TimeUnit.NANOSECONDS.toMicros(s.getEndEpochNanos() - s.getStartEpochNanos()), s.getStatus().getStatusCode().name(), attributes);
    }
}
