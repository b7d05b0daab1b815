package io.headroom.bench.jobs;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;

/**
 * Times the job queue's statements by kind (claim, ack, enqueue, other) and commits, for the held-snapshot part: which
 * of them slows down while a snapshot is held. A JDK proxy around the pool's connections and their prepared
 * statements; only {@code execute*} calls and {@code commit} are timed. Bench-only.
 */
final class TimedDataSource {

    /** Count and total nanoseconds of one kind. */
    record Totals(long count, long nanos) {
        double meanMillis() {
            return count == 0 ? 0 : nanos / 1e6 / count;
        }
    }

    private final Map<String, LongAdder[]> totals = new ConcurrentHashMap<>();

    /** The kind of a statement, from its text. */
    static String kind(String sql) {
        if (sql == null) {
            return "other";
        }
        if (sql.contains("WITH picked")) {
            return "claim";
        }
        if (sql.contains("WITH done AS (DELETE")) {
            return "ack";
        }
        if (sql.contains("INSERT INTO jobs.job")) {
            return "enqueue";
        }
        return "other";
    }

    DataSource wrap(DataSource target) {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(target, method, args);
                    return result instanceof Connection c ? connection(c) : result;
                });
    }

    /** The totals so far, by kind; take two and subtract for a window. */
    Map<String, Totals> snapshot() {
        Map<String, Totals> out = new TreeMap<>();
        totals.forEach((k, v) -> out.put(k, new Totals(v[0].sum(), v[1].sum())));
        return out;
    }

    private Connection connection(Connection target) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("commit")) {
                        return timed("commit", target, method, args);
                    }
                    Object result = invoke(target, method, args);
                    if (result instanceof PreparedStatement ps && method.getName().equals("prepareStatement")) {
                        return statement(ps, kind((String) args[0]));
                    }
                    return result;
                });
    }

    private PreparedStatement statement(PreparedStatement target, String kind) {
        return (PreparedStatement) Proxy.newProxyInstance(PreparedStatement.class.getClassLoader(), new Class<?>[] {PreparedStatement.class},
                (proxy, method, args) -> method.getName().startsWith("execute") ? timed(kind, target, method, args) : invoke(target, method, args));
    }

    private Object timed(String kind, Object target, Method method, Object[] args) throws Throwable {
        long start = System.nanoTime();
        try {
            return invoke(target, method, args);
        } finally {
            LongAdder[] t = totals.computeIfAbsent(kind, k -> new LongAdder[] {new LongAdder(), new LongAdder()});
            t[0].increment();
            t[1].add(System.nanoTime() - start);
        }
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    static String describe(Map<String, Totals> before, Map<String, Totals> after, double seconds) {
        StringBuilder out = new StringBuilder();
        after.forEach((k, a) -> {
            Totals b = before.getOrDefault(k, new Totals(0, 0));
            Totals d = new Totals(a.count() - b.count(), a.nanos() - b.nanos());
            out.append(String.format(java.util.Locale.ROOT, "%s %.0f/s %.2f ms; ", k, d.count() / seconds, d.meanMillis()));
        });
        return out.toString();
    }
}
