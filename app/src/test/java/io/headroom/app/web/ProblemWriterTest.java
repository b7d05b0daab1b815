package io.headroom.app.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ProblemWriterTest {

    private final JsonMapper json = JsonMapper.builder().build();
    private final ProblemWriter writer = new ProblemWriter(json);

    @Test
    void aProblemIsWrittenAsProblemJsonWithItsLength() throws Exception {
        MockHttpServletResponse response = write(ApiProblem.problem(HttpStatus.TOO_MANY_REQUESTS, "overloaded", "Overloaded",
                "the system is at its concurrency limit; retry after 1 s", Map.of()));

        assertThat(response.getStatus()).isEqualTo(429);
        assertThat(response.getContentType()).isEqualTo("application/problem+json");
        assertThat(response.getContentLength()).isEqualTo(response.getContentAsByteArray().length);
        JsonNode body = json.readTree(response.getContentAsByteArray());
        assertThat(body.get("type").asString()).isEqualTo(ApiProblem.TYPE_BASE + "overloaded");
        assertThat(body.get("title").asString()).isEqualTo("Overloaded");
        assertThat(body.get("status").asInt()).isEqualTo(429);
        assertThat(body.get("detail").asString()).isEqualTo("the system is at its concurrency limit; retry after 1 s");
    }

    private MockHttpServletResponse write(ProblemDetail problem) throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        writer.write(response, problem);
        return response;
    }
}
