package io.headroom.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The OpenAPI document served at /v3/api-docs is the one kept in docs/openapi.yaml. When the API changes, this
 * test rewrites the file and fails once, so the change is committed with the code that made it.
 */
@AppTest
class OpenApiDocumentTest {

    static final Path KEPT = Path.of("..", "docs", "openapi.yaml");

    @LocalServerPort
    int port;

    @Test
    void theServedDocumentIsTheKeptOne() throws Exception {
        HttpResponse<String> served = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v3/api-docs.yaml")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(served.statusCode()).isEqualTo(200);
        String document = served.body();
        assertThat(document).contains("/v1/orders:", "/v1/products/{id}:", "/v1/reports:", "/admin/tenants:", "Idempotency-Key");

        String kept = Files.exists(KEPT) ? Files.readString(KEPT) : "";
        if (!kept.equals(document)) {
            Files.writeString(KEPT, document);
        }
        assertThat(kept).as("docs/openapi.yaml was out of date and has been rewritten; commit it").isEqualTo(document);
    }
}
