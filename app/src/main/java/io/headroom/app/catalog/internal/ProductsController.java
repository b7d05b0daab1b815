package io.headroom.app.catalog.internal;

import io.headroom.app.catalog.Catalog;
import io.headroom.app.catalog.Product;
import io.headroom.app.web.ApiProblem;
import io.headroom.app.web.Page;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.net.URI;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /v1/products}: the current tenant's catalog. */
@RestController
class ProductsController {

    record CreateProduct(@NotBlank @Size(max = 64) @Pattern(regexp = "[A-Za-z0-9._-]+", message = "must be letters, digits, '.', '_' or '-'") String sku,
                         @NotBlank @Size(max = 200) String name,
                         @NotNull @Positive @Max(100_000_000) Long priceCents,
                         @NotNull @Min(0) @Max(1_000_000_000) Integer stock) {
    }

    record AdjustStock(@NotNull @Min(-1_000_000_000) @Max(1_000_000_000) Integer delta) {
    }

    private final Catalog catalog;

    ProductsController(Catalog catalog) {
        this.catalog = catalog;
    }

    @ApiResponse(responseCode = "201", description = "the product")
    @PostMapping(path = "/v1/products", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Product> create(@Valid @RequestBody CreateProduct request) {
        Product p = catalog.create(request.sku(), request.name(), request.priceCents(), request.stock());
        return ResponseEntity.created(URI.create("/v1/products/" + p.id())).body(p);
    }

    @GetMapping("/v1/products/{id}")
    Product get(@PathVariable @Positive long id) {
        return catalog.get(id).orElseThrow(() -> ApiProblem.notFound("product", id));
    }

    @GetMapping("/v1/products")
    Page<Product> list(@RequestParam(required = false) @Size(max = 40) String after, @RequestParam(required = false) Integer limit) {
        return catalog.list(after, limit);
    }

    @PostMapping(path = "/v1/products/{id}/stock", consumes = MediaType.APPLICATION_JSON_VALUE)
    Product adjustStock(@PathVariable @Positive long id, @Valid @RequestBody AdjustStock request) {
        if (request.delta() == 0) {
            throw ApiProblem.invalid("delta", "must not be 0");
        }
        return catalog.adjustStock(id, request.delta());
    }
}
