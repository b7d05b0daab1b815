package io.headroom.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every warning and error the project logs says what failed, on what, and why: its message has room for the
 * specifics (a placeholder, or the setting to fix), and none is a generic "something went wrong".
 */
class ErrorLogWordingTest {

    /** A warn/error call (SLF4J or System.Logger) and its message literal, which may start on the next line. */
    static final Pattern CALL = Pattern.compile(
            "(?:log\\.(?:warn|error)\\(|\\.log\\(System\\.Logger\\.Level\\.(?:WARNING|ERROR),)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    static final Pattern GENERIC = Pattern.compile(
            "(?i)something went wrong|an error (has )?occurred|unexpected error|^(error|failed|failure|oops)\\W*$|^exception");
    static final List<Path> SOURCES = List.of(Path.of("src/main/java"), Path.of("../platform"), Path.of("../providers/src/main/java"),
            Path.of("../lab/src/main/java"));

    record Message(Path file, String text) {
    }

    static List<Message> messages() throws IOException {
        List<Message> found = new ArrayList<>();
        for (Path root : SOURCES) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java") && p.toString().contains("src/main/java")).toList()) {
                    Matcher m = CALL.matcher(Files.readString(f));
                    while (m.find()) {
                        found.add(new Message(f, m.group(1)));
                    }
                }
            }
        }
        return found;
    }

    @Test
    void everyWarningAndErrorNamesWhatFailedAndWhy() throws IOException {
        List<Message> all = messages();
        assertThat(all).as("the scan finds the project's warnings").hasSizeGreaterThanOrEqualTo(20);
        for (Message m : all) {
            assertThat(m.text()).as(m.file() + ": generic wording").doesNotContainPattern(GENERIC);
            assertThat(m.text().split("\\s+")).as(m.file() + ": '" + m.text() + "' is too short to say what failed and why").hasSizeGreaterThanOrEqualTo(5);
            assertThat(m.text().contains("{}") || m.text().matches(".*\\{\\d.*") || m.text().contains("headroom."))
                    .as(m.file() + ": '" + m.text() + "' names no operation, input or cause (no placeholder, no setting)").isTrue();
        }
    }

    @Test
    void theScanCatchesAGenericMessage() {
        Matcher m = CALL.matcher("log.error(\"something went wrong\", e);");
        assertThat(m.find()).isTrue();
        assertThat(m.group(1)).containsPattern(GENERIC);
    }
}
