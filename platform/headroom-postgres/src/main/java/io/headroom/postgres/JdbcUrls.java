package io.headroom.postgres;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Small, exact edits of PostgreSQL JDBC URLs ({@code jdbc:postgresql://hosts/database?params}). */
public final class JdbcUrls {

    private static final Pattern URL = Pattern.compile("^(jdbc:postgresql://[^/?]*/)([^?]*)(\\?.*)?$");
    private static final Pattern PASSWORD = Pattern.compile("(?i)(password=)[^&]*");

    private JdbcUrls() {
    }

    /** The same server and parameters, another database. */
    public static String withDatabase(String jdbcUrl, String database) {
        Matcher m = URL.matcher(jdbcUrl);
        if (!m.matches()) {
            throw new DatabaseSetupException("not a PostgreSQL JDBC URL with a host and a database: '" + redact(jdbcUrl) + "'");
        }
        return m.group(1) + database + (m.group(3) == null ? "" : m.group(3));
    }

    /** The database the URL names. */
    public static String database(String jdbcUrl) {
        Matcher m = URL.matcher(jdbcUrl);
        if (!m.matches()) {
            throw new DatabaseSetupException("not a PostgreSQL JDBC URL with a host and a database: '" + redact(jdbcUrl) + "'");
        }
        return m.group(2);
    }

    /** The URL fit for a log line: any password replaced by {@code ***}. */
    public static String redact(String jdbcUrl) {
        return PASSWORD.matcher(jdbcUrl).replaceAll("$1***");
    }
}
