package io.headroom.testing;

import static io.headroom.testing.FreshDatabaseTest.single;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** A migration script edited after the template was made must not leave tests on the old schema. */
@FreshDatabase
class TemplateRebuildTest {

    @Test
    void aTemplateWhoseHistoryNoLongerMatchesTheScriptsIsRebuilt(TestDatabase database) throws SQLException {
        String template = TestDatabases.templateFor(getClass().getClassLoader());
        String templateUrl = database.jdbcUrl().replace("/" + database.name(), "/" + template);
        String scriptChecksum;
        try (Connection c = DriverManager.getConnection(templateUrl); Statement s = c.createStatement()) {
            scriptChecksum = single(s, "SELECT checksum FROM sample.flyway_schema_history WHERE version = '2'");
            s.execute("UPDATE sample.flyway_schema_history SET checksum = checksum + 1 WHERE version = '2'");
        }
        TestDatabases.forgetCheckedTemplates();

        TestDatabase copy = TestDatabases.create(TemplateRebuildTest.class);
        try (Connection c = copy.connect(); Statement s = c.createStatement()) {
            assertThat(single(s, "SELECT count(*) FROM sample.flyway_schema_history WHERE success AND version IS NOT NULL")).isEqualTo("2");
            assertThat(single(s, "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'sample' AND column_name = 'colour'"))
                    .isEqualTo("1");
        } finally {
            TestDatabases.drop(copy);
        }
        try (Connection c = DriverManager.getConnection(templateUrl); Statement s = c.createStatement()) {
            assertThat(single(s, "SELECT checksum FROM sample.flyway_schema_history WHERE version = '2'")).isEqualTo(scriptChecksum);
        }
    }
}
