package io.headroom.app.web.internal;

import io.headroom.app.web.ApiProblem;
import io.headroom.admission.DeadlineExceeded;
import io.headroom.jobs.TenantQueueFullException;
import jakarta.validation.ConstraintViolationException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.validation.FieldError;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.exc.ValueInstantiationException;

/**
 * Answers every error as {@code application/problem+json} with a stable type: the API's own
 * {@link ApiProblem}s, Spring MVC's standard exceptions (unreadable JSON, validation, unsupported media type,
 * unknown route ...), a database that is unreachable or too slow (503 with {@code Retry-After}), and anything
 * unexpected (500, logged with its cause; the client sees no stack trace).
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    private final io.micrometer.core.instrument.MeterRegistry registry;

    ProblemHandler(io.micrometer.core.instrument.MeterRegistry registry) {
        this.registry = registry;
    }

    @ExceptionHandler(ApiProblem.class)
    ResponseEntity<ProblemDetail> apiProblem(ApiProblem problem) {
        return ResponseEntity.status(problem.status()).body(problem.toProblemDetail());
    }

    @ExceptionHandler(TenantQueueFullException.class)
    ResponseEntity<ProblemDetail> tenantQueueFull(TenantQueueFullException e) {
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS).header(HttpHeaders.RETRY_AFTER, "5")
                .body(ApiProblem.problem(HttpStatus.TOO_MANY_REQUESTS, "tenant-backlog-full", "Too much pending work",
                        "this tenant has too many pending jobs on queue " + e.queue() + "; retry after the time in Retry-After", Map.of()));
    }

    @ExceptionHandler(DeadlineExceeded.class)
    ResponseEntity<ProblemDetail> deadlineExceeded(DeadlineExceeded e) {
        return deadline(e);
    }

    @ExceptionHandler(CannotCreateTransactionException.class)
    ResponseEntity<ProblemDetail> noTransaction(CannotCreateTransactionException e, HttpServletRequest request) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof DeadlineExceeded d) {
                return deadline(d);
            }
        }
        return databaseUnavailable(e, request);
    }

    private ResponseEntity<ProblemDetail> deadline(DeadlineExceeded e) {
        registry.counter("headroom.admission.deadline.drops", "where", "database").increment();
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "1")
                .body(ApiProblem.problem(HttpStatus.SERVICE_UNAVAILABLE, "deadline-exceeded", "Deadline exceeded", e.getMessage(), Map.of()));
    }

    @ExceptionHandler({CannotGetJdbcConnectionException.class, DataAccessResourceFailureException.class,
            QueryTimeoutException.class, TransientDataAccessException.class})
    ResponseEntity<ProblemDetail> databaseUnavailable(Exception e, HttpServletRequest request) {
        log.warn("{} {}: the database did not answer in time: {}", request.getMethod(), request.getRequestURI(), rootMessage(e));
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "1")
                .body(ApiProblem.problem(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "Temporarily unavailable",
                        "the database is unavailable or overloaded; retry after the time in Retry-After", Map.of()));
    }

    @ExceptionHandler(ConstraintViolationException.class)
    ResponseEntity<ProblemDetail> constraintViolation(ConstraintViolationException e) {
        String detail = String.join("; ", e.getConstraintViolations().stream()
                .map(v -> lastNode(v.getPropertyPath().toString()) + " " + v.getMessage()).sorted().toList());
        return ResponseEntity.badRequest().body(ApiProblem.problem(HttpStatus.BAD_REQUEST, "invalid-parameter", "Invalid parameter", detail, Map.of()));
    }

    private static String lastNode(String path) {
        return path.substring(path.lastIndexOf('.') + 1);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e, HttpServletRequest request) {
        log.error("{} {} failed unexpectedly and was answered 500 internal-error: {}: {}", request.getMethod(), request.getRequestURI(),
                e.getClass().getSimpleName(), e.getMessage(), e);
        return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR)
                .body(ApiProblem.problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "Internal error",
                        "the request failed on the server; it has been logged", Map.of()));
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
                                                             HttpStatusCode statusCode, WebRequest request) {
        ProblemDetail problem = translate(ex, HttpStatus.valueOf(statusCode.value()));
        return ResponseEntity.status(problem.getStatus()).headers(headers).body(problem);
    }

    private static ProblemDetail translate(Exception ex, HttpStatus status) {
        return switch (ex) {
            case HttpMessageNotReadableException e -> unreadable(e);
            case MethodArgumentNotValidException e -> invalidFields(e.getBindingResult().getFieldErrors());
            case HandlerMethodValidationException e -> ApiProblem.problem(HttpStatus.BAD_REQUEST, "invalid-parameter", "Invalid parameter",
                    String.join("; ", e.getAllErrors().stream().map(err -> parameterName(err) + " " + err.getDefaultMessage()).toList()), Map.of());
            case MethodArgumentTypeMismatchException e -> ApiProblem.problem(HttpStatus.BAD_REQUEST, "invalid-parameter", "Invalid parameter",
                    e.getName() + " must be " + typeName(e.getRequiredType()), Map.of());
            case MissingServletRequestParameterException e -> ApiProblem.problem(HttpStatus.BAD_REQUEST, "invalid-parameter", "Invalid parameter",
                    e.getParameterName() + " is required", Map.of());
            case MissingRequestHeaderException e -> ApiProblem.problem(HttpStatus.BAD_REQUEST, "missing-header", "Missing header",
                    "the " + e.getHeaderName() + " header is required", Map.of());
            case HttpMediaTypeNotSupportedException e -> ApiProblem.problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type",
                    "Unsupported media type", "send the body as application/json" + (e.getContentType() == null ? "" : ", not " + e.getContentType()), Map.of());
            case HttpMediaTypeNotAcceptableException e -> ApiProblem.problem(HttpStatus.NOT_ACCEPTABLE, "not-acceptable", "Not acceptable",
                    "this resource is available as application/json", Map.of());
            case HttpRequestMethodNotSupportedException e -> ApiProblem.problem(HttpStatus.METHOD_NOT_ALLOWED, "method-not-allowed",
                    "Method not allowed", e.getMethod() + " is not supported here", Map.of());
            case NoResourceFoundException e -> ApiProblem.problem(HttpStatus.NOT_FOUND, "not-found", "Not found",
                    "no such resource: /" + e.getResourcePath(), Map.of());
            default -> ApiProblem.problem(status, "http-" + status.value(), status.getReasonPhrase(), status.getReasonPhrase(), Map.of());
        };
    }

    private static ProblemDetail unreadable(HttpMessageNotReadableException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BodyLimitFilter.BodyTooLarge tooLarge) {
                return tooLarge.problem();
            }
        }
        Throwable cause = e.getCause();
        return switch (cause) {
            case UnrecognizedPropertyException u -> ApiProblem.problem(HttpStatus.BAD_REQUEST, "unknown-field", "Unknown field",
                    "unknown field '" + path(u) + "'", Map.of("errors", List.of(Map.of("field", path(u), "message", "is not a known field"))));
            case MismatchedInputException m when String.valueOf(m.getOriginalMessage()).startsWith("Trailing token") ->
                    ApiProblem.problem(HttpStatus.BAD_REQUEST, "malformed-json", "Malformed JSON",
                            "the body has content after its JSON document", Map.of());
            case ValueInstantiationException v -> invalid(path(v), v.getCause() == null ? "is invalid" : v.getCause().getMessage());
            case MismatchedInputException m when String.valueOf(m.getOriginalMessage()).startsWith("must ") ->
                    invalid(path(m).isEmpty() ? "body" : path(m), m.getOriginalMessage());
            case MismatchedInputException m -> invalid(path(m).isEmpty() ? "body" : path(m), m.getTargetType() == null
                    ? "has the wrong type" : "must be " + typeName(m.getTargetType()));
            case InputCoercionException c -> invalid(path(c).isEmpty() ? "body" : path(c), "is out of range for " + typeName(c.getTargetType()));
            case StreamReadException r -> ApiProblem.problem(HttpStatus.BAD_REQUEST, "malformed-json", "Malformed JSON",
                    "the body is not valid JSON: " + firstLine(r.getOriginalMessage()), Map.of());
            case null, default -> ApiProblem.problem(HttpStatus.BAD_REQUEST, "malformed-json", "Malformed JSON",
                    "the request body is missing or is not a JSON document", Map.of());
        };
    }

    private static ProblemDetail invalid(String field, String message) {
        return ApiProblem.problem(HttpStatus.BAD_REQUEST, "invalid-field", "Invalid field", field + " " + message,
                Map.of("errors", List.of(Map.of("field", field, "message", message))));
    }

    private static ProblemDetail invalidFields(List<FieldError> errors) {
        List<Map<String, Object>> list = new ArrayList<>();
        List<String> parts = new ArrayList<>();
        for (FieldError f : errors.stream().sorted(java.util.Comparator.comparing(FieldError::getField)).toList()) {
            list.add(Map.of("field", f.getField(), "message", String.valueOf(f.getDefaultMessage())));
            parts.add(f.getField() + " " + f.getDefaultMessage());
        }
        return ApiProblem.problem(HttpStatus.BAD_REQUEST, "invalid-field", "Invalid field", String.join("; ", parts), Map.of("errors", list));
    }

    /** The JSON path of a binding error, as {@code lines[0].quantity}. */
    private static String path(JacksonException e) {
        StringBuilder b = new StringBuilder();
        for (JacksonException.Reference r : e.getPath()) {
            if (r.getPropertyName() != null) {
                if (!b.isEmpty()) {
                    b.append('.');
                }
                b.append(r.getPropertyName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.toString();
    }

    private static String parameterName(org.springframework.context.MessageSourceResolvable error) {
        Object[] args = error.getArguments();
        if (args != null && args.length > 0 && args[0] instanceof org.springframework.context.MessageSourceResolvable r && r.getDefaultMessage() != null) {
            return r.getDefaultMessage();
        }
        String[] codes = error.getCodes();
        if (codes != null && codes.length > 0) {
            String code = codes[0];
            return code.substring(code.lastIndexOf('.') + 1);
        }
        return "parameter";
    }

    private static String typeName(Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class
                || type == Short.class || type == short.class) {
            return "an integer";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "a boolean";
        }
        if (type.isEnum()) {
            return "one of " + java.util.Arrays.toString(type.getEnumConstants());
        }
        if (java.util.Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        if (type == java.time.LocalDate.class) {
            return "a date (YYYY-MM-DD)";
        }
        return "an object";
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
