package io.headroom.app.ops.tracing;

import io.headroom.app.web.ApiProblem;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /ops/traces/{traceId}} (operator key): the spans of a recent trace, from the in-memory store. */
@RestController
class TracesController {

    private final TraceStore store;

    TracesController(TraceStore store) {
        this.store = store;
    }

    @GetMapping("/ops/traces/{traceId}")
    List<TraceStore.SpanView> trace(@PathVariable String traceId) {
        if (!traceId.matches("[0-9a-f]{32}")) {
            throw ApiProblem.invalid("traceId", "must be 32 lower-case hex digits");
        }
        List<TraceStore.SpanView> spans = store.trace(traceId);
        if (spans.isEmpty()) {
            throw ApiProblem.notFound("recent trace", traceId);
        }
        return spans;
    }
}
