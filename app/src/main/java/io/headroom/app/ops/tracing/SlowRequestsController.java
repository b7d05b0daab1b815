package io.headroom.app.ops.tracing;

import io.headroom.app.web.ApiProblem;
import java.time.Duration;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /ops/slow?minutes=15&tenant=&route=&limit=50} (operator key): the slowest recent requests, each
 * with its time split into admission wait, database, outbound calls and the rest, and its trace id
 * ({@code GET /ops/traces/{traceId}}).
 */
@RestController
class SlowRequestsController {

    private final SlowRequests slow;

    SlowRequestsController(SlowRequests slow) {
        this.slow = slow;
    }

    @GetMapping("/ops/slow")
    List<SlowRequests.Entry> slowest(@RequestParam(defaultValue = "15") int minutes, @RequestParam(required = false) String tenant,
                                     @RequestParam(required = false) String route, @RequestParam(defaultValue = "50") int limit) {
        if (minutes < 1 || minutes > 1440) {
            throw ApiProblem.invalid("minutes", "must be within 1..1440, got " + minutes);
        }
        if (limit < 1 || limit > 1000) {
            throw ApiProblem.invalid("limit", "must be within 1..1000, got " + limit);
        }
        return slow.slowest(Duration.ofMinutes(minutes), tenant, route, limit);
    }
}
