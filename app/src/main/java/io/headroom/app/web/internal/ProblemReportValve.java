package io.headroom.app.web.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

/**
 * Errors Tomcat answers itself, before a request reaches the application (a URI with an encoded NUL or an invalid
 * UTF-8 sequence, say), as application/problem+json like every other error, instead of Tomcat's HTML page. Found by
 * the proof suite's bad-input verdict: {@code GET /v1/products/%C0%AF} was answered 400 text/html.
 */
final class ProblemReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        // As Tomcat's own valve: only errors, only when nothing was written, and only once.
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        String slug = status == 400 ? "bad-request" : "http-" + status;
        String detail = status == 400 ? "the server could not read the request line or its headers (an invalid URI, encoding or header)"
                : "the server answered " + status + " before the request reached the application";
        byte[] body = "{\"type\":\"https://headroom.invalid/problems/%s\",\"title\":\"%s\",\"status\":%d,\"detail\":\"%s\"}"
                .formatted(slug, status == 400 ? "Bad request" : "Error " + status, status, detail).getBytes(StandardCharsets.UTF_8);
        try {
            response.setContentType("application/problem+json");
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
            response.finishResponse();
        } catch (IOException | IllegalStateException e) {
            // The client is gone or the response was taken over; there is nobody left to tell.
            container.getLogger().debug("could not write the problem for a " + status + " answered by Tomcat: " + e.getMessage());
        }
    }

    /** Puts the valve in place of the host's ErrorReportValve once the server runs (its valves are set up by then). */
    @Component
    static class Installer implements ApplicationListener<WebServerInitializedEvent> {

        @Override
        public void onApplicationEvent(WebServerInitializedEvent event) {
            if (!(event.getWebServer() instanceof TomcatWebServer tomcat)) {
                return;
            }
            var pipeline = tomcat.getTomcat().getHost().getPipeline();
            for (Valve valve : pipeline.getValves()) {
                if (valve instanceof ErrorReportValve && !(valve instanceof ProblemReportValve)) {
                    pipeline.removeValve(valve);
                }
            }
            if (java.util.Arrays.stream(pipeline.getValves()).noneMatch(ProblemReportValve.class::isInstance)) {
                pipeline.addValve(new ProblemReportValve());
            }
        }
    }
}
