package io.headroom.app.web;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Keyset pagination: a list is ordered by id, and the cursor for the next page is the last id of this one,
 * opaque to the client (URL-safe Base64 of {@code "id:<n>"}). A page is one index range scan, however deep.
 */
public final class Cursor {

    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 100;

    private Cursor() {
    }

    public static String after(long id) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("id:" + id).getBytes(StandardCharsets.US_ASCII));
    }

    /** The id a cursor stands for; 0 (before every id) for none; a problem for one this API did not make. */
    public static long decode(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return 0;
        }
        try {
            if (cursor.length() > 40) {
                throw new IllegalArgumentException("too long");
            }
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
            if (!text.startsWith("id:")) {
                throw new IllegalArgumentException("not a cursor");
            }
            long id = Long.parseLong(text.substring(3));
            if (id < 0) {
                throw new IllegalArgumentException("negative");
            }
            return id;
        } catch (IllegalArgumentException e) {
            throw ApiProblem.invalid("after", "must be a cursor returned as 'next' by this list");
        }
    }

    public static int limit(Integer limit) {
        if (limit == null) {
            return DEFAULT_LIMIT;
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ApiProblem.invalid("limit", "must be within 1.." + MAX_LIMIT + ", got " + limit);
        }
        return limit;
    }
}
