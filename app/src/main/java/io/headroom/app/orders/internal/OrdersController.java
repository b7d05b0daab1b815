package io.headroom.app.orders.internal;

import io.headroom.app.orders.Order;
import io.headroom.app.orders.Orders;
import io.headroom.app.web.ApiProblem;
import io.headroom.app.web.Page;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /v1/orders}: checkout with an Idempotency-Key, and the current tenant's orders. */
@RestController
class OrdersController {

    private static final java.util.regex.Pattern KEY = java.util.regex.Pattern.compile("[\\x21-\\x7E]{1,255}");

    record LineRequest(@NotNull @Positive Long productId, @NotNull @Min(1) @Max(1000) Integer quantity) {
    }

    /** The body of {@code POST /v1/orders}; {@code card} is a test card number for the simulated gateway. */
    record PlaceOrder(@NotNull @Size(min = 1, max = 50) List<@NotNull @Valid LineRequest> lines,
                      @NotBlank @Email @Size(max = 254) String email,
                      @NotNull @Pattern(regexp = "[0-9]{12,19}", message = "must be 12 to 19 digits") String card) {
    }

    private final Checkout checkout;
    private final Orders orders;

    OrdersController(Checkout checkout, Orders orders) {
        this.checkout = checkout;
        this.orders = orders;
    }

    @PostMapping(path = "/v1/orders", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    @ApiResponse(responseCode = "201", description = "the order, PENDING_PAYMENT; a replay of the first response for a repeated key",
            content = @Content(schema = @Schema(implementation = Order.class)))
    @Parameter(in = io.swagger.v3.oas.annotations.enums.ParameterIn.HEADER, name = "Idempotency-Key", required = true,
            description = "1..255 visible ASCII characters, new for each order; a retry sends the same key and body")
    ResponseEntity<String> place(HttpServletRequest http, @Valid @RequestBody PlaceOrder request) {
        String key = idempotencyKey(http);
        if (new HashSet<>(request.lines().stream().map(LineRequest::productId).toList()).size() != request.lines().size()) {
            throw ApiProblem.invalid("lines", "must not name a product twice");
        }
        Checkout.Result result = checkout.place(key, request);
        var response = result.response();
        var builder = ResponseEntity.status(response.status())
                .contentType(response.status() < 400 ? MediaType.APPLICATION_JSON : MediaType.APPLICATION_PROBLEM_JSON);
        if (response.location() != null) {
            builder.location(URI.create(response.location()));
        }
        if (result.replayed()) {
            builder.header("Idempotent-Replayed", "true");
        }
        return builder.body(response.body());
    }

    @GetMapping("/v1/orders/{id}")
    Order get(@PathVariable @Positive long id) {
        return orders.get(id).orElseThrow(() -> ApiProblem.notFound("order", id));
    }

    @GetMapping("/v1/orders")
    Page<Order> list(@RequestParam(required = false) @Size(max = 40) String after, @RequestParam(required = false) Integer limit) {
        return orders.list(after, limit);
    }

    private static String idempotencyKey(HttpServletRequest http) {
        List<String> values = Collections.list(http.getHeaders("Idempotency-Key"));
        if (values.isEmpty()) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "idempotency-key-missing", "Idempotency-Key required",
                    "POST /v1/orders needs an Idempotency-Key header (1..255 visible ASCII characters, new for each order)", Map.of());
        }
        if (values.size() > 1 || !KEY.matcher(values.get(0)).matches()) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "idempotency-key-invalid", "Invalid Idempotency-Key",
                    "send exactly one Idempotency-Key header of 1..255 visible ASCII characters", Map.of());
        }
        return values.get(0);
    }
}
