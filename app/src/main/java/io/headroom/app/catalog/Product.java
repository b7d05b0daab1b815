package io.headroom.app.catalog;

import java.time.Instant;

/** A product of one tenant, with the stock that orders reserve. */
public record Product(long id, String sku, String name, long priceCents, int stock, Instant createdAt, Instant updatedAt) {
}
