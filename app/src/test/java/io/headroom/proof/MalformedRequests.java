package io.headroom.proof;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Generates requests that are malformed by construction, from a seed: each takes a valid request of the API and
 * breaks it in one way that no value can make valid again (a proper prefix of a JSON object, a negative price, a
 * second Authorization header, another tenant's id ...). So every answer must be a 4xx problem, and nothing may change.
 * Not thread-safe: one generator per thread.
 */
final class MalformedRequests {

    /** The ids a request may aim at: the caller's own, and another tenant's. */
    record Targets(String key, String otherKey, long product, long otherProduct, long otherOrder, long otherReport, String operatorKey) {
    }

    /** One request: {@code headers} as name/value pairs, repeated names sent as repeated headers. */
    record Malformed(String family, String method, String path, String body, List<String> headers) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String JSON_TYPE = "application/json";
    static final List<String> FAMILIES = List.of("truncated-json", "broken-json", "wrong-type", "bad-number", "unicode", "oversized",
            "bad-header", "wrong-content-type", "other-tenant", "bad-path");

    private final Random random;
    private final Targets t;
    private long n;

    MalformedRequests(long seed, Targets targets) {
        this.random = new Random(seed);
        this.t = targets;
    }

    /** A valid write of the API (never sent as it is). */
    private record Valid(String path, String body, String key, boolean idempotent) {
    }

    private Valid valid() {
        n++;
        return switch (random.nextInt(5)) {
            case 0 -> new Valid("/v1/products", "{\"sku\":\"fz-%d\",\"name\":\"Fuzz %d\",\"priceCents\":100,\"stock\":5}".formatted(n, n), t.key(), false);
            case 1 -> new Valid("/v1/products/" + t.product() + "/stock", "{\"delta\":1}", t.key(), false);
            case 2 -> new Valid("/v1/orders", "{\"lines\":[{\"productId\":%d,\"quantity\":1}],\"email\":\"f@example.com\",\"card\":\"4242424242424242\"}"
                    .formatted(t.product()), t.key(), true);
            case 3 -> new Valid("/v1/reports", "{\"from\":\"2026-11-01\",\"to\":\"2026-11-30\"}", t.key(), false);
            default -> new Valid("/admin/tenants", "{\"name\":\"Fuzz tenant %d\",\"plan\":\"standard\"}".formatted(n), t.operatorKey(), false);
        };
    }

    Malformed next() {
        String family = FAMILIES.get(random.nextInt(FAMILIES.size()));
        Valid v = valid();
        return switch (family) {
            case "truncated-json" -> post(family, v, v.body().substring(0, random.nextInt(v.body().length())), JSON_TYPE);
            case "broken-json" -> post(family, v, broken(v.body()), JSON_TYPE);
            case "wrong-type" -> post(family, v, replaceField(v.body(), wrongType()), JSON_TYPE);
            case "bad-number" -> post(family, v, badNumber(v), JSON_TYPE);
            case "unicode" -> unicode(v);
            case "oversized" -> post(family, v, v.body().substring(0, v.body().length() - 1) + ",\"pad\":\"" + "x".repeat(65_536 + random.nextInt(100_000)) + "\"}", JSON_TYPE);
            case "bad-header" -> badHeader(v);
            case "wrong-content-type" -> post(family, v, v.body(), pick("text/plain", "application/xml", "application/x-www-form-urlencoded",
                    "application/octet-stream", "multipart/form-data; boundary=x", null));
            case "other-tenant" -> otherTenant();
            default -> badPath();
        };
    }

    private Malformed post(String family, Valid v, String body, String contentType) {
        List<String> headers = new ArrayList<>(List.of("Authorization", "Bearer " + v.key()));
        if (contentType != null) {
            headers.addAll(List.of("Content-Type", contentType));
        }
        if (v.idempotent()) {
            headers.addAll(List.of("Idempotency-Key", UUID.randomUUID().toString()));
        }
        return new Malformed(family, "POST", v.path(), body, headers);
    }

    /** A JSON text that is not valid JSON, or not an object the API takes, whatever the template. */
    private String broken(String body) {
        return switch (random.nextInt(9)) {
            case 0 -> pick("x", "]", "{{", ",", "\u0000") + body;
            case 1 -> body + pick(" {}", "]", ",", "x", "}");
            case 2 -> "[" + body.substring(1);
            case 3 -> {
                int quote = nthQuote(body, random.nextInt((int) body.chars().filter(c -> c == '"').count()));
                yield body.substring(0, quote) + body.substring(quote + 1);
            }
            case 4 -> "{/* comment */" + body.substring(1);
            case 5 -> body.replaceFirst("\"([a-zA-Z]+)\":", "'$1':");
            case 6 -> "[".repeat(3000) + "]".repeat(3000);
            // The first field twice (a duplicate key); a body of one field gets it appended after itself.
            case 7 -> body.indexOf(',') > 0 ? "{" + body.substring(1, body.indexOf(',') + 1) + body.substring(1)
                    : body.substring(0, body.length() - 1) + "," + body.substring(1);
            default -> pick("", "null", "[]", "\"text\"", "42", "true", "{}");
        };
    }

    private static int nthQuote(String s, int n) {
        int at = -1;
        for (int i = 0; i <= n; i++) {
            at = s.indexOf('"', at + 1);
        }
        return at;
    }

    private JsonNode wrongType() {
        return switch (random.nextInt(5)) {
            case 0 -> JSON.getNodeFactory().arrayNode();
            case 1 -> JSON.getNodeFactory().objectNode().put("x", 1);
            case 2 -> JSON.getNodeFactory().booleanNode(true);
            case 3 -> JSON.getNodeFactory().nullNode();
            default -> JSON.getNodeFactory().stringNode("12");
        };
    }

    /**
     * The body with one field (at any depth) set to {@code value} of a type it cannot have: strings get numbers, numbers
     * get strings, and every field gets arrays, objects, booleans and null (no field of the API is optional and nullable
     * but {@code plan}, which is never picked for null).
     */
    private String replaceField(String body, JsonNode value) {
        ObjectNode root = (ObjectNode) JSON.readTree(body);
        List<ObjectNode> holders = new ArrayList<>();
        List<String> names = new ArrayList<>();
        collect(root, holders, names);
        int i = random.nextInt(holders.size());
        JsonNode old = holders.get(i).get(names.get(i));
        JsonNode replacement = value;
        if (value.isString() && old.isString()) {
            replacement = JSON.getNodeFactory().numberNode(12);
        }
        if (value.isNull() && names.get(i).equals("plan")) {
            replacement = JSON.getNodeFactory().arrayNode();
        }
        holders.get(i).set(names.get(i), replacement);
        return JSON.writeValueAsString(root);
    }

    private static void collect(JsonNode node, List<ObjectNode> holders, List<String> names) {
        if (node instanceof ObjectNode o) {
            for (String name : o.propertyNames()) {
                JsonNode child = o.get(name);
                if (child.isValueNode()) {
                    holders.add(o);
                    names.add(name);
                } else {
                    collect(child, holders, names);
                }
            }
        } else if (node.isArray()) {
            node.forEach(child -> collect(child, holders, names));
        }
    }

    private String badNumber(Valid v) {
        String body = v.body();
        if (body.contains("priceCents")) {
            return body.replace("\"priceCents\":100", "\"priceCents\":" + pick("-1", "-9223372036854775808", "9223372036854775808", "1e400", "1.5",
                    "99999999999999999999", "-0.5"));
        }
        if (body.contains("delta")) {
            return body.replace("\"delta\":1", "\"delta\":" + pick("0", "5000000000", "-9223372036854775808", "1.5", "1e400"));
        }
        if (body.contains("quantity")) {
            return body.replace("\"quantity\":1", "\"quantity\":" + pick("0", "-1", "1001", "2147483648", "1.5", "-9223372036854775809"));
        }
        if (body.contains("\"from\"")) {
            return body.replace("\"2026-11-01\"", pick("20261101", "-1", "1e10", "\"2026-13-01\"", "\"2026-02-30\"", "\"+999999999-01-01\""));
        }
        return body.replace("\"standard\"", pick("1", "-1", "1e400", "\"gold\""));
    }

    /** Unicode edge cases where the API takes none: sku, card, ids, field names, a lone surrogate. */
    private Malformed unicode(Valid v) {
        String edge = pick("caf\u00e9", "\u202eevil", "zero\u200bwidth", "\uD83D\uDE00", "\u0627\u0644", "a\u0301", "\u0000", "\\ud800", "\\udfff\\ud800",
                "\uFEFF", "\u0660\u0661\u0662");
        return switch (random.nextInt(5)) {
            case 0 -> post("unicode", v, "{\"sku\":\"%s\",\"name\":\"Fuzz\",\"priceCents\":100,\"stock\":5}".formatted(edge), JSON_TYPE);
            case 1 -> post("unicode", new Valid("/v1/orders", "", t.key(), true), ("{\"lines\":[{\"productId\":%d,\"quantity\":1}],\"email\":\"f@example.com\","
                    + "\"card\":\"4242\u0664\u0662\u0664\u0662%s4242\"}").formatted(t.product(), edge), JSON_TYPE);
            case 2 -> post("unicode", v, v.body().substring(0, v.body().length() - 1) + ",\"" + edge + "\u043a\u043b\u044e\u0447\":1}", JSON_TYPE);
            case 3 -> post("unicode", v, "{\"sku\":\"fz-u%d\",\"name\":\"lone %s\",\"priceCents\":100,\"stock\":5}".formatted(n,
                    pick("\\ud800", "\\udc00", "\\ud83d x")), JSON_TYPE);
            default -> new Malformed("unicode", "GET", "/v1/products/" + pick("%D9%A1%D9%A2", "%E2%80%AE1", "1%00", "%F0%9F%98%80", "%C0%AF"),
                    null, List.of("Authorization", "Bearer " + t.key()));
        };
    }

    private Malformed badHeader(Valid v) {
        Valid order = new Valid("/v1/orders", "{\"lines\":[{\"productId\":%d,\"quantity\":1}],\"email\":\"f@example.com\",\"card\":\"4242424242424242\"}"
                .formatted(t.product()), t.key(), false);
        List<String> auth = List.of("Authorization", "Bearer " + v.key(), "Content-Type", JSON_TYPE);
        return switch (random.nextInt(8)) {
            case 0 -> headers(order, auth, "Idempotency-Key", "k-" + UUID.randomUUID(), "Idempotency-Key", "k-" + UUID.randomUUID());
            case 1 -> headers(order, auth);
            case 2 -> headers(order, auth, "Idempotency-Key", pick("x".repeat(256), "has space", "", "tab\there"));
            case 3 -> headers(v, idempotent(v, auth), "Request-Timeout", pick("-1", "0", "abc", "99999999", "1.5", "1e3", "30001"));
            case 4 -> headers(v, idempotent(v, auth), "Request-Timeout", "500", "Request-Timeout", "900");
            case 5 -> headers(v, idempotent(v, List.of("Content-Type", JSON_TYPE)), "Authorization", "Bearer " + v.key(), "Authorization",
                    "Bearer " + (v.key().equals(t.key()) ? t.otherKey() : t.key()));
            case 6 -> headers(v, idempotent(v, List.of("Content-Type", JSON_TYPE)), "Authorization", pick("Bearer", "Bearer hr_wrong", "Basic Zm9vOmJhcg==",
                    "bearer " + v.key() + "x", "Bearer " + (v.key().equals(t.key()) ? t.operatorKey() : t.key())));
            default -> headers(v, idempotent(v, List.of("Content-Type", JSON_TYPE)));
        };
    }

    private static List<String> idempotent(Valid v, List<String> headers) {
        List<String> all = new ArrayList<>(headers);
        if (v.idempotent()) {
            all.addAll(List.of("Idempotency-Key", UUID.randomUUID().toString()));
        }
        return all;
    }

    private static Malformed headers(Valid v, List<String> base, String... more) {
        List<String> headers = new ArrayList<>(base);
        headers.addAll(List.of(more));
        return new Malformed("bad-header", "POST", v.path(), v.body(), headers);
    }

    private Malformed otherTenant() {
        List<String> auth = List.of("Authorization", "Bearer " + t.key());
        List<String> post = List.of("Authorization", "Bearer " + t.key(), "Content-Type", JSON_TYPE);
        return switch (random.nextInt(5)) {
            case 0 -> new Malformed("other-tenant", "GET", "/v1/products/" + t.otherProduct(), null, auth);
            case 1 -> new Malformed("other-tenant", "POST", "/v1/products/" + t.otherProduct() + "/stock", "{\"delta\":1}", post);
            case 2 -> new Malformed("other-tenant", "GET", "/v1/orders/" + t.otherOrder(), null, auth);
            case 3 -> new Malformed("other-tenant", "GET", "/v1/reports/" + t.otherReport(), null, auth);
            default -> {
                List<String> headers = new ArrayList<>(post);
                headers.addAll(List.of("Idempotency-Key", UUID.randomUUID().toString()));
                yield new Malformed("other-tenant", "POST", "/v1/orders", "{\"lines\":[{\"productId\":%d,\"quantity\":1}],\"email\":\"f@example.com\",\"card\":\"4242424242424242\"}"
                        .formatted(t.otherProduct()), headers);
            }
        };
    }

    private Malformed badPath() {
        List<String> auth = List.of("Authorization", "Bearer " + t.key());
        return switch (random.nextInt(4)) {
            case 0 -> new Malformed("bad-path", "GET", pick("/v1/products/abc", "/v1/products/-1", "/v1/orders/99999999999999999999", "/v1/reports/0x10",
                    "/v1/orders/1.5", "/v1/products/%20"), null, auth);
            case 1 -> new Malformed("bad-path", "GET", "/v1/" + pick("products", "orders") + "?" + pick("limit=0", "limit=101", "limit=-5", "limit=ten",
                    "after=Zm9vYmFy", "after=" + "a".repeat(41), "limit=1e2", "after=%00"), null, auth);
            case 2 -> new Malformed("bad-path", pick("GET", "POST", "DELETE"), "/v1/" + pick("nothing", "products/1/nothing", "admin", "../admin/tenants"), null, auth);
            default -> new Malformed("bad-path", pick("DELETE", "PUT", "PATCH"), pick("/v1/products", "/v1/orders", "/v1/reports", "/admin/tenants"), null, auth);
        };
    }

    @SafeVarargs
    private <T> T pick(T... options) {
        return options[random.nextInt(options.length)];
    }
}
