package io.headroom.app.catalog;

/** A line whose stock is reserved, with the unit price at the moment of reservation. */
public record Reserved(long productId, String sku, int quantity, long unitPriceCents) {
}
