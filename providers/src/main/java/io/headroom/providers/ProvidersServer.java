package io.headroom.providers;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The simulated payment gateway and email provider, one HTTP server on loopback:
 * <ul>
 *   <li>{@code POST /charges} — charge a card; {@code Idempotency-Key} required; cards ending in 0002 decline,
 *       cards ending in 0005 fail with 500 on every attempt (a poison payment)</li>
 *   <li>{@code POST /messages} — send an email; {@code Idempotency-Key} required</li>
 *   <li>{@code PUT|DELETE|GET /faults/{payments|email}} — inject, clear or show a fault ({@link FaultSpec})</li>
 *   <li>{@code GET /ledger} — effects, replays and duplicates per provider; {@code DELETE /ledger} resets it</li>
 * </ul>
 * A repeated key with the same body returns the first answer (and counts as a replay: a request that would have
 * charged or sent twice); the same key with another body is refused with 422.
 */
public final class ProvidersServer implements AutoCloseable {

    static final String PAYMENTS = "payments";
    /** Cards ending in this fail with 500 on every charge: a poison payment job, for the dead-letter queue to take. */
    static final String POISON_CARD_SUFFIX = "0005";
    static final String EMAIL = "email";
    private static final Pattern CARD = Pattern.compile("[0-9]{12,19}");
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
    private static final Pattern TEMPLATE = Pattern.compile("[a-z0-9._-]{1,64}");
    private static final int MAX_BODY = 16 * 1024;
    private static final Duration MAX_HANG = Duration.ofMinutes(5);

    private final JsonMapper json = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    private final Map<String, Faults> faults = new LinkedHashMap<>();
    private final Map<String, Ledger> ledgers = new LinkedHashMap<>();
    private final Sleeper sleeper;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    /** Waits; tests replace it to record delays instead of sleeping. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private ProvidersServer(int port, Clock clock, RandomGenerator random, Sleeper sleeper) throws IOException {
        this.sleeper = sleeper;
        for (String provider : new String[] {PAYMENTS, EMAIL}) {
            faults.put(provider, new Faults(clock, random));
            ledgers.put(provider, new Ledger());
        }
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    /** Starts on loopback; port 0 picks a free one. */
    public static ProvidersServer start(int port, Clock clock, RandomGenerator random, Sleeper sleeper) throws IOException {
        ProvidersServer s = new ProvidersServer(port, clock, random, sleeper);
        s.server.start();
        return s;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    public static void main(String[] args) throws IOException {
        int port = 8090;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--port") && i + 1 < args.length) {
                try {
                    port = Integer.parseInt(args[++i]);
                } catch (NumberFormatException e) {
                    port = -1;
                }
                if (port < 0 || port > 65535) {
                    System.err.println("providers: --port must be a number within 0..65535, got '" + args[i] + "'");
                    System.exit(2);
                }
            } else {
                System.err.println("providers: unknown argument '" + args[i] + "' (usage: --port N)");
                System.exit(2);
            }
        }
        ProvidersServer s;
        try {
            s = start(port, Clock.systemUTC(), new Random(), d -> Thread.sleep(d));
        } catch (IOException e) {
            System.err.println("providers: cannot listen on 127.0.0.1:" + port + ": " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(s::close, "providers-stop"));
        System.out.println("providers: payment gateway and email provider listening on http://127.0.0.1:" + s.port());
    }

    // --- routing ---------------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            try {
                route(exchange, exchange.getRequestMethod(), exchange.getRequestURI().getPath());
            } catch (BadRequest e) {
                problem(exchange, e.status, e.type, e.title, e.getMessage());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void route(HttpExchange exchange, String method, String path) throws IOException, InterruptedException {
        switch (path) {
            case "/charges" -> requirePost(exchange, method, () -> provide(exchange, PAYMENTS));
            case "/messages" -> requirePost(exchange, method, () -> provide(exchange, EMAIL));
            case "/ledger" -> ledger(exchange, method);
            case "/health" -> send(exchange, 200, Map.of("status", "UP"));
            default -> {
                if (path.startsWith("/faults/") && faults.containsKey(path.substring(8))) {
                    fault(exchange, method, path.substring(8));
                } else {
                    problem(exchange, 404, "not-found", "Not found", "no such resource: " + path);
                }
            }
        }
    }

    private interface Action {
        void run() throws IOException, InterruptedException;
    }

    private void requirePost(HttpExchange exchange, String method, Action action) throws IOException, InterruptedException {
        if (!method.equals("POST")) {
            exchange.getResponseHeaders().set("Allow", "POST");
            problem(exchange, 405, "method-not-allowed", "Method not allowed", method + " is not supported here; use POST");
            return;
        }
        action.run();
    }

    // --- providers -------------------------------------------------------------------------------------

    private record Charge(long amountCents, String currency, String card, String reference) {
    }

    private record Message(String to, String template, String reference) {
    }

    private void provide(HttpExchange exchange, String provider) throws IOException, InterruptedException {
        String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
        if (key == null || key.isBlank() || key.length() > 255) {
            throw new BadRequest(400, "idempotency-key-missing", "Idempotency-Key required",
                    "send an Idempotency-Key header of 1..255 characters");
        }
        JsonNode body = readJson(exchange);
        Ledger ledger = ledgers.get(provider);
        String reference;
        String fingerprint;
        Ledger.Effect effect;
        boolean poison = false;
        if (provider.equals(PAYMENTS)) {
            Charge c = new Charge(longField(body, "amountCents", 1, 1_000_000_000L), textField(body, "currency", CURRENCY),
                    textField(body, "card", CARD), textField(body, "reference", null));
            onlyFields(body, "amountCents", "currency", "card", "reference");
            reference = c.reference;
            fingerprint = c.toString();
            poison = c.card.endsWith(POISON_CARD_SUFFIX);
            effect = seq -> c.card.endsWith("0002")
                    ? new Ledger.Outcome(402, json.writeValueAsString(Map.of("status", "declined", "code", "card_declined",
                            "reference", c.reference)), false)
                    : new Ledger.Outcome(201, json.writeValueAsString(Map.of("id", "ch_%08d".formatted(seq), "status", "succeeded",
                            "amountCents", c.amountCents, "currency", c.currency, "reference", c.reference)), true);
        } else {
            Message m = new Message(textField(body, "to", null), textField(body, "template", TEMPLATE), textField(body, "reference", null));
            onlyFields(body, "to", "template", "reference");
            if (!m.to.contains("@") || m.to.length() > 254) {
                throw new BadRequest(400, "invalid-field", "Invalid field", "to must be an email address, got '" + m.to + "'");
            }
            reference = m.reference + "/" + m.template;
            fingerprint = m.toString();
            effect = seq -> new Ledger.Outcome(202, json.writeValueAsString(Map.of("id", "msg_%08d".formatted(seq), "status", "accepted",
                    "to", m.to, "template", m.template, "reference", m.reference)), true);
        }
        ledger.countRequest();
        if (poison) {
            // A charge that can never succeed, whatever the retry: the poison job a queue must dead-letter.
            ledger.countPoisoned();
            problem(exchange, 500, "processor-error", "Processor error",
                    "the card processor fails on every charge for cards ending in " + POISON_CARD_SUFFIX + " (a poison payment, on purpose)");
            return;
        }
        Faults.Decision fault = faults.get(provider).decide();
        if (!fault.delay().isZero()) {
            sleeper.sleep(fault.delay());
        }
        if (fault.fails() && !fault.afterEffect()) {
            ledger.countFaulted();
            fail(exchange, provider, fault);
            return;
        }
        Ledger.Recorded recorded = ledger.record(key, fingerprint, reference, effect);
        if (fault.fails()) {
            ledger.countFaulted();
            fail(exchange, provider, fault);
            return;
        }
        if (recorded.conflict()) {
            throw new BadRequest(422, "idempotency-key-reused", "Idempotency-Key reused",
                    "the Idempotency-Key '" + key + "' was first used with a different request body");
        }
        if (recorded.replayed()) {
            exchange.getResponseHeaders().set("Idempotent-Replayed", "true");
        }
        sendRaw(exchange, recorded.answer().status(), "application/json", recorded.answer().body());
    }

    private void fail(HttpExchange exchange, String provider, Faults.Decision fault) throws IOException, InterruptedException {
        if (fault.outage()) {
            // Close without a status line: to the client this is a provider that is down.
            return;
        }
        if (fault.hang()) {
            long start = System.nanoTime();
            while (faults.get(provider).current().hangs() && System.nanoTime() - start < MAX_HANG.toNanos()) {
                Thread.sleep(20);
            }
            return;
        }
        problem(exchange, fault.errorStatus(), "injected-fault", "Injected fault",
                "the " + provider + " provider is failing on purpose (fault injection)");
    }

    // --- faults and ledger -----------------------------------------------------------------------------

    private void fault(HttpExchange exchange, String method, String provider) throws IOException {
        Faults f = faults.get(provider);
        switch (method) {
            case "PUT" -> {
                FaultSpec spec;
                try {
                    spec = json.readValue(readBody(exchange), FaultSpec.class);
                } catch (JacksonException e) {
                    Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
                    throw new BadRequest(400, "invalid-fault", "Invalid fault", firstLine(cause.getMessage()));
                }
                f.set(spec);
                send(exchange, 200, describe(provider, f));
            }
            case "DELETE" -> {
                f.clear();
                send(exchange, 200, describe(provider, f));
            }
            case "GET" -> send(exchange, 200, describe(provider, f));
            default -> {
                exchange.getResponseHeaders().set("Allow", "GET, PUT, DELETE");
                problem(exchange, 405, "method-not-allowed", "Method not allowed", method + " is not supported on /faults");
            }
        }
    }

    private Map<String, Object> describe(String provider, Faults f) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("provider", provider);
        d.put("fault", f.current());
        d.put("until", f.until() == null ? null : f.until().toString());
        return d;
    }

    private void ledger(HttpExchange exchange, String method) throws IOException {
        switch (method) {
            case "GET" -> {
                Map<String, Object> all = new LinkedHashMap<>();
                ledgers.forEach((name, l) -> all.put(name, l.summary()));
                send(exchange, 200, all);
            }
            case "DELETE" -> {
                ledgers.values().forEach(Ledger::reset);
                exchange.sendResponseHeaders(204, -1);
            }
            default -> {
                exchange.getResponseHeaders().set("Allow", "GET, DELETE");
                problem(exchange, 405, "method-not-allowed", "Method not allowed", method + " is not supported on /ledger");
            }
        }
    }

    // --- JSON and HTTP helpers -------------------------------------------------------------------------

    private byte[] readBody(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY + 1);
            if (body.length > MAX_BODY) {
                throw new BadRequest(413, "body-too-large", "Body too large", "request bodies are limited to " + MAX_BODY + " bytes");
            }
            return body;
        }
    }

    private JsonNode readJson(HttpExchange exchange) throws IOException {
        try {
            JsonNode node = json.readTree(readBody(exchange));
            if (node == null || !node.isObject()) {
                throw new BadRequest(400, "malformed-json", "Malformed JSON", "the body must be a JSON object");
            }
            return node;
        } catch (JacksonException e) {
            throw new BadRequest(400, "malformed-json", "Malformed JSON", firstLine(e.getOriginalMessage()));
        }
    }

    private static void onlyFields(JsonNode body, String... allowed) {
        var names = new java.util.HashSet<>(body.propertyNames());
        for (String a : allowed) {
            names.remove(a);
        }
        if (!names.isEmpty()) {
            throw new BadRequest(400, "unknown-field", "Unknown field", "unknown field(s): " + String.join(", ", new java.util.TreeSet<>(names)));
        }
    }

    private static String textField(JsonNode body, String name, Pattern pattern) {
        JsonNode v = body.get(name);
        if (v == null || !v.isString() || v.asString().isBlank() || v.asString().length() > 200
                || (pattern != null && !pattern.matcher(v.asString()).matches())) {
            throw new BadRequest(400, "invalid-field", "Invalid field",
                    name + " must be a string" + (pattern == null ? " of 1..200 characters" : " matching " + pattern.pattern()));
        }
        return v.asString();
    }

    private static long longField(JsonNode body, String name, long min, long max) {
        JsonNode v = body.get(name);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
            throw new BadRequest(400, "invalid-field", "Invalid field", name + " must be an integer within " + min + ".." + max);
        }
        return v.asLong();
    }

    private void send(HttpExchange exchange, int status, Object body) throws IOException {
        sendRaw(exchange, status, "application/json", json.writeValueAsString(body));
    }

    private void problem(HttpExchange exchange, int status, String type, String title, String detail) throws IOException {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("type", "https://headroom.invalid/problems/providers/" + type);
        p.put("title", title);
        p.put("status", status);
        p.put("detail", detail);
        sendRaw(exchange, status, "application/problem+json", json.writeValueAsString(p));
    }

    private static void sendRaw(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable request";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /** A request the simulator refuses, answered as problem+json. */
    private static final class BadRequest extends RuntimeException {
        final int status;
        final String type;
        final String title;

        BadRequest(int status, String type, String title, String detail) {
            super(detail);
            this.status = status;
            this.type = type;
            this.title = title;
        }
    }
}
