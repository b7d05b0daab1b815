package io.headroom.app.orders;

import java.time.Instant;
import java.util.List;

/** An order as the API shows it. */
public record Order(long id, OrderStatus status, long totalCents, String currency, String email, String cardLast4,
                    String chargeId, String failure, List<Line> lines, Instant createdAt, Instant updatedAt) {

    public record Line(long productId, String sku, int quantity, long unitPriceCents) {
    }
}
