package io.headroom.app.tenants.internal;

import io.headroom.app.tenants.Plan;
import io.headroom.app.tenants.Tenants;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** The operator's API: create a tenant and hand out its key. */
@RestController
class TenantsController {

    record CreateTenant(@NotBlank @Size(max = 100) @Pattern(regexp = "[\\p{L}\\p{N} ._'&-]+", message = "must be letters, digits, spaces or . _ ' & -") String name,
                        Plan plan) {
    }

    record TenantCreated(String id, String name, Plan plan, String apiKey, String createdAt) {
    }

    private final Tenants tenants;

    TenantsController(Tenants tenants) {
        this.tenants = tenants;
    }

    @ApiResponse(responseCode = "201", description = "the tenant and its API key, shown this once")
    @PostMapping(path = "/admin/tenants", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<TenantCreated> create(@Valid @RequestBody CreateTenant request) {
        Tenants.Created c = tenants.create(request.name(), request.plan() == null ? Plan.standard : request.plan());
        return ResponseEntity.created(URI.create("/admin/tenants/" + c.id()))
                .body(new TenantCreated(c.id().toString(), c.name(), c.plan(), c.apiKey(), c.createdAt().toString()));
    }
}
