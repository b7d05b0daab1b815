package io.headroom.lab.load;

import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Sends the generator's requests without blocking it: Jetty's asynchronous HTTP client with at most
 * {@code connections} persistent connections per target (requests beyond them wait in its queue, their wait
 * counted in their latency), bodies discarded. Chosen over the JDK's client by measurement: the JDK client opened
 * a connection per concurrent request and topped out near 10k requests/s here (see the lab README's benchmark).
 * Thread-safe.
 */
public final class Transport implements AutoCloseable {

    private final HttpClient client;

    public Transport(int connections, int queued) {
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("lab-http");
        threads.setDaemon(true);
        client = new HttpClient();
        client.setExecutor(threads);
        client.setMaxConnectionsPerDestination(connections);
        client.setMaxRequestsQueuedPerDestination(queued);
        client.setFollowRedirects(false);
        client.setUserAgentField(null);
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("the generator's HTTP client did not start: " + e.getMessage(), e);
        }
    }

    /** Sends {@code r}; {@code done} gets how it ended, on one of the client's threads. */
    public void send(LabRequest r, Consumer<Outcome> done) {
        var request = client.newRequest(r.uri()).method(r.method()).timeout(r.timeoutMs(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .headers(h -> r.headers().forEach(h::put));
        if (r.body() != null) {
            request.body(new StringRequestContent("application/json", r.body()));
        }
        request.send(result -> {
            if (result.isFailed()) {
                Throwable f = result.getFailure();
                done.accept(f instanceof TimeoutException || f.getCause() instanceof TimeoutException ? Outcome.TIMEOUT : Outcome.IO_ERROR);
            } else {
                done.accept(Outcome.ofStatus(result.getResponse().getStatus()));
            }
        });
    }

    @Override
    public void close() {
        try {
            client.stop();
        } catch (Exception e) {
            throw new IllegalStateException("the generator's HTTP client did not stop: " + e.getMessage(), e);
        }
    }
}
