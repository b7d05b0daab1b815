package io.headroom.app.web;

import java.net.URI;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * An error the API answers with as {@code application/problem+json}: a status, a stable type (a slug that
 * becomes {@code https://headroom.invalid/problems/<slug>}), a title that is the same for every occurrence of
 * the type, and a detail about this occurrence. Thrown by controllers and module APIs; answered by the web
 * module's handler. Nothing in it reaches the client but these fields.
 */
public class ApiProblem extends RuntimeException {

    /** Where problem types live; the slugs are listed in the README. */
    public static final String TYPE_BASE = "https://headroom.invalid/problems/";

    private final HttpStatus status;
    private final String type;
    private final String title;
    private final Map<String, Object> properties;

    public ApiProblem(HttpStatus status, String type, String title, String detail) {
        this(status, type, title, detail, Map.of());
    }

    public ApiProblem(HttpStatus status, String type, String title, String detail, Map<String, Object> properties) {
        super(detail);
        this.status = status;
        this.type = type;
        this.title = title;
        this.properties = Map.copyOf(properties);
    }

    public static ApiProblem notFound(String what, Object id) {
        return new ApiProblem(HttpStatus.NOT_FOUND, "not-found", "Not found", "no " + what + " with id " + id);
    }

    public static ApiProblem invalid(String field, String message) {
        return new ApiProblem(HttpStatus.BAD_REQUEST, "invalid-field", "Invalid field", field + " " + message,
                Map.of("errors", java.util.List.of(Map.of("field", field, "message", message))));
    }

    public HttpStatus status() {
        return status;
    }

    public ProblemDetail toProblemDetail() {
        return problem(status, type, title, getMessage(), properties);
    }

    /** A problem detail with the type URI for {@code slug}. */
    public static ProblemDetail problem(HttpStatus status, String slug, String title, String detail, Map<String, Object> properties) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setType(URI.create(TYPE_BASE + slug));
        p.setTitle(title);
        properties.forEach(p::setProperty);
        return p;
    }
}
