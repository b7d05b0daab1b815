package io.headroom.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A test class's own database.
 *
 * @param name    the database name, unique per test class and run
 * @param jdbcUrl a complete JDBC URL of the database
 */
public record TestDatabase(String name, String jdbcUrl) {

    /** A new, unpooled data source: each {@code getConnection()} opens a real connection. */
    public DataSource dataSource() {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(jdbcUrl);
        return dataSource;
    }

    /** Opens a connection; the caller closes it. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl);
    }
}
