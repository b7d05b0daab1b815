package io.headroom.lab.report;

import io.headroom.lab.analysis.Results;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes {@code report.html}: one file that needs no network to view. The results are embedded as JSON, the
 * chart library (uPlot, from its WebJar on the class path) and the drawing code are inlined.
 */
public final class HtmlReport {

    private static final String UPLOT = "META-INF/resources/webjars/uplot/%s/dist/%s";

    private HtmlReport() {
    }

    public static void write(Results results, Path file, JsonMapper json) throws IOException {
        String data = json.writeValueAsString(results).replace("</", "<\\/");
        String version = uplotVersion();
        String html = """
                <!doctype html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <title>Headroom lab — %s (%s)</title>
                <style>%s</style>
                <style>%s</style>
                </head>
                <body>
                <h1 id="title"></h1>
                <p class="meta" id="meta"></p>
                <p id="verdict"></p>
                <h2>Verdicts (per 1-second window)</h2>
                <table id="verdicts"></table>
                <h2>Findings</h2>
                <ul id="findings"></ul>
                <h2>Phases</h2>
                <table id="phases"></table>
                <h2>Charts (phases shaded, faults in red)</h2>
                <div class="charts" id="charts"></div>
                <script type="application/json" id="results">%s</script>
                <script>%s</script>
                <script>%s</script>
                </body>
                </html>
                """.formatted(escape(results.scenario()), escape(results.label()), resource(UPLOT.formatted(version, "uPlot.min.css")),
                resource("io/headroom/lab/report/report.css"), data, resource(UPLOT.formatted(version, "uPlot.iife.min.js")),
                resource("io/headroom/lab/report/report.js"));
        Files.writeString(file, html, StandardCharsets.UTF_8);
    }

    private static String uplotVersion() {
        Properties p = new Properties();
        try (InputStream in = resourceStream("META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the uPlot WebJar's version", e);
        }
        return p.getProperty("version");
    }

    private static String resource(String name) {
        try (InputStream in = resourceStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("</script", "<\\/script");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name + " from the class path", e);
        }
    }

    private static InputStream resourceStream(String name) throws IOException {
        InputStream in = HtmlReport.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IOException(name + " is not on the class path (is the uPlot WebJar missing?)");
        }
        return in;
    }

    private static String escape(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
