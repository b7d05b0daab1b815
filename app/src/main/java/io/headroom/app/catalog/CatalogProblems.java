package io.headroom.app.catalog;

import io.headroom.app.web.ApiProblem;
import java.util.Map;
import org.springframework.http.HttpStatus;

/** The problems the catalog answers with; their types are part of the API. */
public final class CatalogProblems {

    private CatalogProblems() {
    }

    public static ApiProblem outOfStock(long productId, int requested) {
        return new ApiProblem(HttpStatus.CONFLICT, "out-of-stock", "Out of stock",
                "product " + productId + " has fewer than " + requested + " in stock", Map.of("productId", productId));
    }

    public static ApiProblem unknownProduct(long productId) {
        return new ApiProblem(HttpStatus.UNPROCESSABLE_CONTENT, "unknown-product", "Unknown product",
                "there is no product " + productId, Map.of("productId", productId));
    }

    public static ApiProblem duplicateSku(String sku) {
        return new ApiProblem(HttpStatus.CONFLICT, "duplicate-sku", "Duplicate SKU", "a product with sku '" + sku + "' exists already");
    }
}
