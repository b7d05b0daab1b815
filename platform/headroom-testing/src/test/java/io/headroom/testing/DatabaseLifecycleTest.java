package io.headroom.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Runs a sample test class through the JUnit engine and checks what it leaves behind: nothing. */
class DatabaseLifecycleTest {

    static final AtomicReference<TestDatabase> SEEN = new AtomicReference<>();

    @FreshDatabase
    static class Sample {
        @Test
        void recordsItsDatabase(TestDatabase database) throws SQLException {
            try (Connection ignored = database.connect()) {
                SEEN.set(database);
            }
        }
    }

    @Test
    void theDatabaseExistsDuringTheClassAndIsDroppedAfterIt() throws SQLException {
        EngineTestKit.engine("junit-jupiter").selectors(selectClass(Sample.class)).execute()
                .testEvents().assertStatistics(stats -> stats.succeeded(1).failed(0));

        TestDatabase database = SEEN.get();
        assertThat(database).isNotNull();
        assertThat(FreshDatabaseExtension.databaseOf(Sample.class)).isEmpty();
        String serverUrl = database.jdbcUrl().replace("/" + database.name(), "/postgres");
        try (Connection c = DriverManager.getConnection(serverUrl);
             PreparedStatement exists = c.prepareStatement("SELECT count(*) FROM pg_database WHERE datname = ?")) {
            exists.setString(1, database.name());
            try (ResultSet rs = exists.executeQuery()) {
                rs.next();
                assertThat(rs.getInt(1)).as("databases named %s after the class", database.name()).isZero();
            }
        }
    }
}
