package io.headroom.app.web;

import java.util.List;
import java.util.function.ToLongFunction;

/** One page of a keyset-paginated list: the items and the cursor of the next page, or null on the last one. */
public record Page<T>(List<T> items, String next) {

    /**
     * From a query that fetched {@code limit + 1} rows: if the extra row is there, there is a next page, and its
     * cursor is the last returned item's id.
     */
    public static <T> Page<T> of(List<T> fetched, int limit, ToLongFunction<T> id) {
        if (fetched.size() <= limit) {
            return new Page<>(fetched, null);
        }
        List<T> items = fetched.subList(0, limit);
        return new Page<>(List.copyOf(items), Cursor.after(id.applyAsLong(items.get(limit - 1))));
    }
}
