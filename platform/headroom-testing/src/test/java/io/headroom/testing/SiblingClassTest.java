package io.headroom.testing;

import static io.headroom.testing.FreshDatabaseTest.single;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

@FreshDatabase
class SiblingClassTest {

    @Test
    void startsFromTheMigratedTemplateNotFromAnotherClassState(TestDatabase database) throws SQLException {
        assertThat(database).isNotEqualTo(FreshDatabaseExtension.databaseOf(FreshDatabaseTest.class).orElse(null));
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO sample.widgets (name) VALUES ('from SiblingClassTest')");
            assertThat(single(s, "SELECT count(*) FROM sample.widgets")).isEqualTo("1");
        }
    }
}
