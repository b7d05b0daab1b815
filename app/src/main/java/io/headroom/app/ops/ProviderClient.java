package io.headroom.app.ops;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * POSTs JSON to an external provider with an idempotency key: connect timeout and a request timeout that is the
 * configured one or the caller's remaining time, whichever is shorter. One attempt per call; retries belong to
 * the job queue, which backs off and gives up after the job's attempts.
 */
@Component
public class ProviderClient {

    /** A provider's answer. */
    public record Response(int status, String body) {

        public boolean ok() {
            return status >= 200 && status < 300;
        }

        /** Worth trying again later: timeouts, throttling and server errors. */
        public boolean transientFailure() {
            return status == 408 || status == 429 || status >= 500;
        }
    }

    /** The provider did not answer: refused, reset, or timed out. Always worth a retry later. */
    public static final class Unavailable extends Exception {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final HttpClient http;
    private final Duration timeout;
    private final Clock clock;

    ProviderClient(@Value("${headroom.providers.connect-timeout:2s}") Duration connectTimeout,
                   @Value("${headroom.providers.timeout:5s}") Duration timeout, Clock clock) {
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).version(HttpClient.Version.HTTP_1_1).build();
        this.timeout = timeout;
        this.clock = clock;
    }

    public Response post(URI uri, String idempotencyKey, String json, Instant deadline) throws Unavailable, InterruptedException {
        Duration left = Duration.between(clock.instant(), deadline);
        Duration budget = left.compareTo(timeout) < 0 ? left : timeout;
        if (budget.isNegative() || budget.isZero()) {
            throw new Unavailable("no time left to call " + uri, null);
        }
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(budget)
                .header("Content-Type", "application/json").header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body());
        } catch (HttpTimeoutException e) {
            throw new Unavailable("POST " + uri + " timed out after " + budget.toMillis() + " ms", e);
        } catch (IOException e) {
            throw new Unavailable("POST " + uri + " failed: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        }
    }
}
