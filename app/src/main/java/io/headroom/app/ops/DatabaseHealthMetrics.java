package io.headroom.app.ops;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * What the database's growth looks like, sampled every 10 s: dead tuples and seconds since the last autovacuum
 * of each app table ({@code headroom.db.dead.tuples}, {@code headroom.db.autovacuum.age}), and the age of the
 * oldest open transaction in this database ({@code headroom.db.xmin.horizon.age}) — the snapshot that keeps
 * vacuum from cleaning anything newer. And whether autovacuum runs at all ({@code headroom.db.autovacuum.enabled}):
 * a server with it off (some CI images turn it off for speed) lets dead tuples grow for as long as it runs, which
 * no table setting of ours can make up for, so that is logged as a warning once, and again if it changes.
 */
@Component
class DatabaseHealthMetrics {

    private static final Logger log = LoggerFactory.getLogger(DatabaseHealthMetrics.class);
    private static final String APP_SCHEMAS = "('tenants','catalog','orders','payments','notifications','reporting','jobs')";

    private final JdbcClient jdbc;
    private final MultiGauge deadTuples;
    private final MultiGauge vacuumAge;
    private final AtomicLong xminAgeSeconds = new AtomicLong();
    /** 1 on, 0 off, -1 not read yet. */
    private final AtomicLong autovacuum = new AtomicLong(-1);

    DatabaseHealthMetrics(JdbcClient jdbc, MeterRegistry registry) {
        this.jdbc = jdbc;
        this.deadTuples = MultiGauge.builder("headroom.db.dead.tuples").description("Dead tuples per app table").register(registry);
        this.vacuumAge = MultiGauge.builder("headroom.db.autovacuum.age").baseUnit("seconds")
                .description("Seconds since the last (auto)vacuum per app table; -1 if never").register(registry);
        Gauge.builder("headroom.db.xmin.horizon.age", xminAgeSeconds, AtomicLong::get).baseUnit("seconds")
                .description("Age of the oldest transaction holding back vacuum in this database").register(registry);
        Gauge.builder("headroom.db.autovacuum.enabled", autovacuum, a -> a.get() < 0 ? Double.NaN : a.get())
                .description("1 if the database server runs autovacuum, 0 if it is off").register(registry);
    }

    @Scheduled(fixedDelayString = "${headroom.metrics.database-interval:10s}", initialDelay = 0)
    void sample() {
        try {
            List<MultiGauge.Row<?>> dead = new ArrayList<>();
            List<MultiGauge.Row<?>> age = new ArrayList<>();
            jdbc.sql("""
                    SELECT schemaname || '.' || relname AS t, n_dead_tup,
                           coalesce(extract(epoch FROM now() - greatest(last_autovacuum, last_vacuum)), -1) AS age
                    FROM pg_stat_user_tables WHERE schemaname IN """ + APP_SCHEMAS).query(rs -> {
                Tags tags = Tags.of("table", rs.getString("t"));
                dead.add(MultiGauge.Row.of(tags, rs.getLong("n_dead_tup")));
                age.add(MultiGauge.Row.of(tags, rs.getDouble("age")));
            });
            deadTuples.register(dead, true);
            vacuumAge.register(age, true);
            // One round trip for the oldest snapshot and the server's autovacuum setting (an aggregate: always one row).
            jdbc.sql("""
                    SELECT coalesce(extract(epoch FROM now() - min(xact_start)), 0)::bigint AS xmin_age,
                           current_setting('autovacuum')::boolean AS autovacuum, current_database() AS db
                    FROM pg_stat_activity
                    WHERE datname = current_database() AND backend_xmin IS NOT NULL AND pid <> pg_backend_pid()""").query(rs -> {
                xminAgeSeconds.set(rs.getLong("xmin_age"));
                long on = rs.getBoolean("autovacuum") ? 1 : 0;
                if (autovacuum.getAndSet(on) != on && on == 0) {
                    log.warn("autovacuum is off on the PostgreSQL server of database {} (SHOW autovacuum): dead tuples in the app's tables will grow for as long as it stays off; set autovacuum = on in postgresql.conf and reload",
                            rs.getString("db"));
                }
            });
        } catch (RuntimeException e) {
            log.warn("sampling the database's table statistics (pg_stat_user_tables, pg_stat_activity) failed; the headroom_db_* gauges keep their last values: {}", e.getMessage());
        }
    }
}
