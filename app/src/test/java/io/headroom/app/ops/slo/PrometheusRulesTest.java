package io.headroom.app.ops.slo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * deploy/prometheus/headroom-slo-rules.yml says what the app computes: for every default SLO, error ratios over
 * 5m/30m/1h/6h from the app's own metrics, and a page (14.4x over 1h and 5m) and a ticket (6x over 6h and 30m)
 * alert at that SLO's budget. Checked by parsing, and by {@code promtool check rules} (Debian's prometheus package,
 * which {@code ./headroom test} installs when it may; required in CI).
 */
class PrometheusRulesTest {

    static final Path RULES = Path.of("..", "deploy", "prometheus", "headroom-slo-rules.yml");
    static final Pattern RECORDED = Pattern.compile("headroom:[a-z_]+:error_ratio_rate[0-9]+[mh]");
    static final Pattern ALERT = Pattern.compile(
            "(headroom:[a-z_]+:error_ratio_rate(\\w+)) > \\(([0-9.]+) \\* ([0-9.]+)\\) and (headroom:[a-z_]+:error_ratio_rate(\\w+)) > \\(([0-9.]+) \\* ([0-9.]+)\\)");

    @Test
    void everyDefaultSloHasItsRatiosAndBothAlerts() throws Exception {
        JsonNode groups = YAMLMapper.builder().build().readTree(Files.readString(RULES)).get("groups");
        Set<String> recorded = new HashSet<>();
        List<JsonNode> alerts = new ArrayList<>();
        for (JsonNode group : groups) {
            for (JsonNode rule : group.get("rules")) {
                if (rule.has("record")) {
                    assertThat(rule.get("record").asString()).matches(RECORDED);
                    String expr = rule.get("expr").asString();
                    assertThat(expr).as("reads the app's HTTP metrics").contains("http_server_requests_seconds_count{class=");
                    Matcher le = Pattern.compile("le=\"([0-9.]+)\"").matcher(expr);
                    while (le.find()) {
                        assertThat(le.group(1)).as("an SLO bucket the app publishes").isIn("0.025", "0.05", "0.1", "0.3", "0.5", "1.0", "2.0", "5.0");
                    }
                    recorded.add(rule.get("record").asString());
                } else {
                    alerts.add(rule);
                }
            }
        }

        for (Slos.Objective o : new Slos.Settings(null, null).objectives()) {
            String slo = o.name().replace('-', '_');
            for (String w : List.of("5m", "30m", "1h", "6h")) {
                assertThat(recorded).contains("headroom:" + slo + ":error_ratio_rate" + w);
            }
            double budget = 1 - o.target();
            assertThat(alerts.stream().filter(a -> a.get("labels").get("slo").asString().equals(o.name())).toList())
                    .as(o.name()).hasSize(2).allSatisfy(a -> {
                        Matcher m = ALERT.matcher(a.get("expr").asString());
                        assertThat(m.matches()).as(a.get("expr").asString()).isTrue();
                        assertThat(recorded).contains(m.group(1), m.group(5));
                        assertThat(Double.parseDouble(m.group(4))).isCloseTo(budget, org.assertj.core.data.Offset.offset(1e-9));
                        String severity = a.get("labels").get("severity").asString();
                        if (severity.equals("page")) {
                            assertThat(List.of(m.group(3), m.group(2), m.group(6))).containsExactly("14.4", "1h", "5m");
                        } else {
                            assertThat(severity).isEqualTo("ticket");
                            assertThat(List.of(m.group(3), m.group(2), m.group(6))).containsExactly("6", "6h", "30m");
                        }
                    });
        }
    }

    @Test
    void promtoolAcceptsTheRulesWhereItIsInstalled() throws Exception {
        Path promtool = null;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, "promtool"))) {
                promtool = Path.of(dir, "promtool");
            }
        }
        if (promtool == null && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("promtool is not installed in CI; ./headroom test installs Debian's prometheus package for it");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(promtool != null, "promtool is not installed here; the parsing test covers the rules");
        Process p = new ProcessBuilder(promtool.toString(), "check", "rules", RULES.toString()).inheritIO().start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
    }
}
