package io.headroom.app.catalog;

/** A quantity of one product, to reserve or release. */
public record StockLine(long productId, int quantity) {

    public StockLine {
        if (quantity <= 0) {
            throw new IllegalArgumentException("quantity must be positive, got " + quantity);
        }
    }
}
