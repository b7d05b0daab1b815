package io.headroom.app.ops;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import io.headroom.admission.Deadline;
import io.headroom.admission.DeadlineExceeded;
import io.headroom.app.ops.tracing.RequestTimings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.datasource.AbstractDataSource;

/**
 * Bulkheads in the database: three small pools instead of one, so that a flood of one kind of work cannot take
 * the connections another needs — the request path ({@code headroom-requests}), job workers
 * ({@code headroom-jobs}) and report computation ({@code headroom-reports}). They share the instance's
 * connection budget ({@code headroom.database.connection-budget}, default 20) as 50% / 35% / 15%, at least 2
 * each. The app's {@link DataSource} routes each connection request to the pool of the work on the thread
 * ({@link Workload}); a deadline bound to the thread caps how long the request waits for a connection.
 * {@code headroom.database.bulkheads=false} (naive mode) gives every kind of work the one request pool.
 */
@Configuration(proxyBeanMethods = false)
public class DatabasePools {

    /** The kind of work a thread is doing, for the pool it draws from. */
    public enum Workload {
        REQUESTS, JOBS, REPORTS
    }

    private static final ThreadLocal<Workload> CURRENT = new ThreadLocal<>();

    /** Draws this thread's connections from the pool of {@code workload} until the scope is closed. */
    public static Deadline.Scope use(Workload workload) {
        Workload before = CURRENT.get();
        CURRENT.set(workload);
        return () -> {
            if (before == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(before);
            }
        };
    }

    @Bean(destroyMethod = "close")
    HikariDataSource requestsDataSource(DataSourceProperties properties, Environment env) {
        return pool("headroom-requests", properties, env, share(env, 0.50));
    }

    @Bean(destroyMethod = "close")
    HikariDataSource jobsDataSource(DataSourceProperties properties, Environment env) {
        return pool("headroom-jobs", properties, env, share(env, 0.35));
    }

    @Bean(destroyMethod = "close")
    HikariDataSource reportsDataSource(DataSourceProperties properties, Environment env) {
        return pool("headroom-reports", properties, env, share(env, 0.15));
    }

    @Bean
    @Primary
    DataSource dataSource(@Qualifier("requestsDataSource") HikariDataSource requests, @Qualifier("jobsDataSource") HikariDataSource jobs,
                          @Qualifier("reportsDataSource") HikariDataSource reports, Environment env, Clock clock,
                          ObjectProvider<Tracer> tracer, MeterRegistry registry) {
        boolean bulkheads = env.getProperty("headroom.database.bulkheads", Boolean.class, true);
        return new Routing(requests, bulkheads ? jobs : requests, bulkheads ? reports : requests, clock,
                tracer.getIfAvailable(() -> Tracer.NOOP), registry);
    }

    private static int share(Environment env, double share) {
        if (!env.getProperty("headroom.database.bulkheads", Boolean.class, true)) {
            return env.getProperty("spring.datasource.hikari.maximum-pool-size", Integer.class, 10);
        }
        int budget = env.getProperty("headroom.database.connection-budget", Integer.class, 20);
        return Math.max(2, (int) Math.round(budget * share));
    }

    private static HikariDataSource pool(String name, DataSourceProperties properties, Environment env, int size) {
        HikariDataSource pool = properties.initializeDataSourceBuilder().type(HikariDataSource.class).build();
        Binder.get(env).bind("spring.datasource.hikari", Bindable.ofInstance(pool));
        pool.setPoolName(name);
        pool.setMaximumPoolSize(size);
        pool.setMinimumIdle(Math.min(2, size));
        return pool;
    }

    /** The app's DataSource: a connection from the thread's workload's pool, waited for at most until its deadline. */
    static final class Routing extends AbstractDataSource {
        private final HikariDataSource requests;
        private final HikariDataSource jobs;
        private final HikariDataSource reports;
        private final Clock clock;
        private final Tracer tracer;
        private final MeterRegistry registry;
        /** {@code headroom.db.statement} timers by pool and verb, looked up once (a registry lookup per statement is too slow). */
        private final Map<String, Timer> statementTimers = new ConcurrentHashMap<>();

        Routing(HikariDataSource requests, HikariDataSource jobs, HikariDataSource reports, Clock clock, Tracer tracer,
                MeterRegistry registry) {
            this.tracer = tracer;
            this.registry = registry;
            this.requests = requests;
            this.jobs = jobs;
            this.reports = reports;
            this.clock = clock;
        }

        HikariDataSource target() {
            Workload w = CURRENT.get();
            return w == null || w == Workload.REQUESTS ? requests : w == Workload.JOBS ? jobs : reports;
        }

        /**
         * A connection from the workload's pool; waiting for it and every statement on it count as database time of
         * the request on this thread ({@link RequestTimings}), for the slow-request explorer.
         */
        @Override
        public Connection getConnection() throws SQLException {
            long start = System.nanoTime();
            HikariDataSource pool = target();
            Connection c;
            try {
                c = acquire(pool);
            } finally {
                RequestTimings.database(System.nanoTime() - start);
            }
            return timed(c, pool.getPoolName());
        }

        private Connection timed(Connection target, String pool) {
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                    (proxy, method, args) -> {
                        switch (method.getName()) {
                            case "equals" -> {
                                return proxy == args[0];
                            }
                            case "hashCode" -> {
                                return System.identityHashCode(proxy);
                            }
                            default -> {
                            }
                        }
                        Object result = invoke(target, method, args);
                        if (result instanceof Statement statement && method.getName().matches("prepareStatement|createStatement|prepareCall")) {
                            String sql = args != null && args.length > 0 && args[0] instanceof String text ? text : null;
                            return timedStatement(statement, method.getReturnType(), sql, pool);
                        }
                        return result;
                    });
        }

        /**
         * Times each execution for the request's database time and, inside a traced request or job, makes it a span
         * {@code db <VERB>} with the statement (first 300 characters) as {@code db.statement}; every execution is also
         * timed in {@code headroom.db.statement} by pool and verb.
         */
        private Object timedStatement(Statement target, Class<?> type, String preparedSql, String pool) {
            return Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
                if (!method.getName().startsWith("execute")) {
                    return invoke(target, method, args);
                }
                String sql = preparedSql != null ? preparedSql : args != null && args.length > 0 && args[0] instanceof String s ? s : "";
                String verb = verb(sql);
                Span span = tracer.currentSpan() == null ? null : tracer.nextSpan().name("db " + verb)
                        .tag("db.statement", sql.length() > 300 ? sql.substring(0, 300) : sql).start();
                long start = System.nanoTime();
                try (Tracer.SpanInScope scope = span == null ? null : tracer.withSpan(span)) {
                    return invoke(target, method, args);
                } catch (Throwable e) {
                    if (span != null) {
                        span.error(e);
                    }
                    throw e;
                } finally {
                    long took = System.nanoTime() - start;
                    RequestTimings.database(took);
                    statementTimer(pool, verb).record(took, TimeUnit.NANOSECONDS);
                    if (span != null) {
                        span.end();
                    }
                }
            });
        }

        private Timer statementTimer(String pool, String verb) {
            // The verb tag is bounded: anything but the common statements is OTHER.
            String tag = switch (verb) {
                case "SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "SET" -> verb;
                default -> "OTHER";
            };
            return statementTimers.computeIfAbsent(pool + " " + tag, k -> Timer.builder("headroom.db.statement")
                    .description("SQL statement executions on the app's pools").tag("pool", pool).tag("verb", tag).register(registry));
        }

        private static String verb(String sql) {
            String trimmed = sql.stripLeading();
            int space = trimmed.indexOf(' ');
            return (space < 0 ? trimmed : trimmed.substring(0, space)).toUpperCase(java.util.Locale.ROOT);
        }

        private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
            try {
                return method.invoke(target, args);
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
            }
        }

        private Connection acquire(HikariDataSource pool) throws SQLException {
            var deadline = Deadline.current();
            if (deadline.isEmpty()) {
                return pool.getConnection();
            }
            Duration left = deadline.get().remaining(clock);
            if (left.isZero()) {
                throw new DeadlineExceeded("a database connection not requested: the request's deadline has passed");
            }
            long configured = pool.getConnectionTimeout();
            if (left.toMillis() >= configured || !(pool.getHikariPoolMXBean() instanceof HikariPool hikari)) {
                return pool.getConnection();
            }
            try {
                return hikari.getConnection(Math.max(1, left.toMillis()));
            } catch (SQLException e) {
                if (deadline.get().expired(clock)) {
                    throw new DeadlineExceeded("no database connection before the request's deadline (pool " + pool.getPoolName()
                            + " is busy): " + e.getMessage());
                }
                throw e;
            }
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            throw new SQLException("the app's pools have their own credentials");
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T unwrap(Class<T> type) throws SQLException {
            if (type.isInstance(this)) {
                return (T) this;
            }
            return requests.unwrap(type);
        }
    }
}
