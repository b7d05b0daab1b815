package io.headroom.app.web.internal;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document's fixed parts (served at {@code /v3/api-docs}, kept in {@code docs/openapi.yaml}): a
 * relative server so the document does not depend on the port, and bearer authentication.
 */
@Configuration(proxyBeanMethods = false)
class ApiDocs {

    @Bean
    OpenAPI headroomOpenApi() {
        return new OpenAPI()
                .info(new Info().title("Headroom commerce API").version("v1")
                        .description("Multi-tenant commerce backend. /v1 calls need a tenant API key, /admin calls the operator key, "
                                + "both as 'Authorization: Bearer <key>'. Errors are RFC 9457 application/problem+json with a stable "
                                + "type per error."))
                .servers(List.of(new Server().url("/")))
                .components(new Components().addSecuritySchemes("bearer",
                        new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")))
                .addSecurityItem(new SecurityRequirement().addList("bearer"));
    }
}
