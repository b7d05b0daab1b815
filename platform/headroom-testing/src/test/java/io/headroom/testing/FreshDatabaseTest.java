package io.headroom.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@FreshDatabase
class FreshDatabaseTest {

    @Test
    void theClassGetsItsOwnDatabaseWithEverySchemaMigrated(TestDatabase database) throws SQLException {
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            assertThat(single(s, "SELECT current_database()")).isEqualTo(database.name());
            assertThat(database.name()).startsWith("headroom_test_").contains("freshdatabasetest");
            assertThat(single(s, "SELECT string_agg(version, ',' ORDER BY installed_rank) FROM sample.flyway_schema_history WHERE success"))
                    .isEqualTo("1,2");
            assertThat(single(s, "SELECT column_default FROM information_schema.columns WHERE table_schema = 'sample' AND column_name = 'colour'"))
                    .isEqualTo("'grey'::text");
        }
    }

    @Test
    void writesHereAreSeenOnlyHere(TestDatabase database) throws SQLException {
        // SiblingClassTest does the same; both pass in either order only if no state is shared.
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO sample.widgets (name) VALUES ('from FreshDatabaseTest')");
            assertThat(single(s, "SELECT count(*) FROM sample.widgets")).isEqualTo("1");
        }
    }

    @Nested
    class NestedClasses {
        @Test
        void shareTheirOuterClassDatabase(TestDatabase database) throws SQLException {
            assertThat(database).isEqualTo(FreshDatabaseExtension.databaseOf(FreshDatabaseTest.class).orElseThrow());
            assertThat(FreshDatabaseExtension.databaseOf(NestedClasses.class)).hasValue(database);
        }
    }

    static String single(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }
}
