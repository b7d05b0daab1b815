package io.headroom.postgres;

/**
 * The PostgreSQL database a process should use.
 *
 * @param jdbcUrl    a complete JDBC URL (credentials included), usable as is
 * @param origin     which branch of the rule produced it
 * @param startedNow whether resolving started the embedded server (the caller may then stop it)
 */
public record ResolvedDatabase(String jdbcUrl, Origin origin, boolean startedNow) {

    /** The three branches of the resolution rule, in the order they are tried. */
    public enum Origin {
        /** {@code HEADROOM_DB_URL} was set. */
        CONFIGURED("configured by HEADROOM_DB_URL"),
        /** A server answered on the local probe address. */
        LOCAL_SERVER("local server"),
        /** The embedded PostgreSQL under {@code HEADROOM_HOME}. */
        EMBEDDED("embedded PostgreSQL");

        private final String description;

        Origin(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    /** The same server, another database on it. */
    public String urlFor(String database) {
        return JdbcUrls.withDatabase(jdbcUrl, database);
    }

    @Override
    public String toString() {
        return JdbcUrls.redact(jdbcUrl) + " (" + origin.description() + ")";
    }
}
