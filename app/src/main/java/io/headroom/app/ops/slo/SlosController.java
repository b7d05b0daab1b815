package io.headroom.app.ops.slo;

import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /ops/slos} (operator key): every SLO's budget, burn rates and alerts now. */
@RestController
class SlosController {

    private final Slos slos;

    SlosController(Slos slos) {
        this.slos = slos;
    }

    @GetMapping("/ops/slos")
    List<SloTracker.Status> slos() {
        return slos.statuses();
    }
}
