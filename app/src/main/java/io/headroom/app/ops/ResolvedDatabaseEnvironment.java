package io.headroom.app.ops;

import io.headroom.postgres.PostgresResolver;
import io.headroom.postgres.ResolvedDatabase;
import org.apache.commons.logging.Log;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;

/**
 * Supplies {@code spring.datasource.url} from Headroom's PostgreSQL resolution rule (see
 * {@link PostgresResolver}) when nothing else does. The rule runs only when the property is first read and
 * no source of higher precedence has it, so an explicit {@code spring.datasource.url} or a test's own
 * database never triggers it.
 */
class ResolvedDatabaseEnvironment implements EnvironmentPostProcessor {

    static final String URL_PROPERTY = "spring.datasource.url";

    private final Log log;

    ResolvedDatabaseEnvironment(DeferredLogFactory logFactory) {
        this.log = logFactory.getLog(ResolvedDatabaseEnvironment.class);
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        environment.getPropertySources().addLast(new ResolvedUrl(PostgresResolver.fromEnvironment(), log));
    }

    /** A property source with one property, computed once on first read. */
    static final class ResolvedUrl extends PropertySource<PostgresResolver> {

        private final Log log;
        private volatile ResolvedDatabase resolved;

        ResolvedUrl(PostgresResolver resolver, Log log) {
            super("headroomResolvedDatabase", resolver);
            this.log = log;
        }

        @Override
        public Object getProperty(String name) {
            if (!URL_PROPERTY.equals(name)) {
                return null;
            }
            if (resolved == null) {
                synchronized (this) {
                    if (resolved == null) {
                        resolved = getSource().resolve();
                        log.info("Using database " + resolved);
                    }
                }
            }
            return resolved.jdbcUrl();
        }
    }
}
