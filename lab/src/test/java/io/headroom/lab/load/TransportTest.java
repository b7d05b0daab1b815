package io.headroom.lab.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The generator's HTTP client against real sockets on loopback: the connection bound and the queue behind it,
 * what is sent, timeouts (the connection is closed and replaced), refusals, and servers that close connections.
 */
class TransportTest {

    private HttpServer server;
    private final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
    private final AtomicInteger concurrent = new AtomicInteger();
    private final AtomicInteger mostConcurrent = new AtomicInteger();
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private volatile long sleepMillis;
    private volatile boolean closeEach;

    private int startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            int now = concurrent.incrementAndGet();
            mostConcurrent.accumulateAndGet(now, Math::max);
            clientPorts.add(exchange.getRemoteAddress().getPort());
            byte[] body = exchange.getRequestBody().readAllBytes();
            seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " host=" + exchange.getRequestHeaders().getFirst("Host")
                    + " x=" + exchange.getRequestHeaders().getFirst("X-Test") + " type=" + exchange.getRequestHeaders().getFirst("Content-Type")
                    + " body=" + new String(body, StandardCharsets.UTF_8));
            try {
                Thread.sleep(sleepMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            concurrent.decrementAndGet();
            if (closeEach) {
                exchange.getResponseHeaders().set("Connection", "close");
            }
            int status = exchange.getRequestURI().getPath().startsWith("/status/")
                    ? Integer.parseInt(exchange.getRequestURI().getPath().substring(8)) : 200;
            byte[] answer = "a body that is read and dropped".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        return server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private static LabRequest get(String url, long timeoutMs) {
        return new LabRequest("GET", URI.create(url), Map.of(), null, timeoutMs);
    }

    private static List<Outcome> sendAll(Transport t, List<LabRequest> requests) throws Exception {
        List<CompletableFuture<Outcome>> answers = new ArrayList<>();
        for (LabRequest r : requests) {
            CompletableFuture<Outcome> f = new CompletableFuture<>();
            answers.add(f);
            t.send(r, f::complete);
        }
        List<Outcome> out = new ArrayList<>();
        for (CompletableFuture<Outcome> f : answers) {
            out.add(f.get(20, TimeUnit.SECONDS));
        }
        return out;
    }

    @Test
    void requestsBeyondTheConnectionsWaitTheirTurnAndAllAreAnswered() throws Exception {
        int port = startServer();
        sleepMillis = 20;
        try (Transport t = new Transport(2, 100)) {
            List<LabRequest> requests = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                requests.add(get("http://127.0.0.1:" + port + "/r" + i, 10_000));
            }
            assertThat(sendAll(t, requests)).hasSize(30).containsOnly(Outcome.OK);
        }
        assertThat(mostConcurrent.get()).as("never more than 2 at the server at once").isLessThanOrEqualTo(2);
        assertThat(clientPorts).as("two persistent connections carried all 30").hasSize(2);
    }

    @Test
    void whatIsSentIsTheRequestAsBuiltWithHostLengthAndBody() throws Exception {
        int port = startServer();
        try (Transport t = new Transport(1, 10)) {
            LabRequest post = new LabRequest("POST", URI.create("http://127.0.0.1:" + port + "/v1/orders?x=%20y"),
                    Map.of("X-Test", "v-1", "Content-Type", "application/json"), "{\"qty\":\"ünïcode\"}", 5000);
            assertThat(sendAll(t, List.of(post, get("http://127.0.0.1:" + port + "/status/404", 5000),
                    get("http://127.0.0.1:" + port + "/status/503", 5000), get("http://127.0.0.1:" + port + "/status/500", 5000))))
                    .containsExactly(Outcome.OK, Outcome.CLIENT_ERROR, Outcome.SHED, Outcome.SERVER_ERROR);
        }
        assertThat(seen.getFirst()).isEqualTo("POST /v1/orders?x=%20y host=127.0.0.1:" + port
                + " x=v-1 type=application/json body={\"qty\":\"ünïcode\"}");
    }

    @Test
    void aRequestWithoutAnAnswerTimesOutAndItsConnectionIsReplaced() throws Exception {
        int port = startServer();
        sleepMillis = 1500;
        try (Transport t = new Transport(1, 10)) {
            long start = System.nanoTime();
            assertThat(sendAll(t, List.of(get("http://127.0.0.1:" + port + "/slow", 300)))).containsExactly(Outcome.TIMEOUT);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(250), Duration.ofMillis(1400));
            sleepMillis = 0;
            assertThat(sendAll(t, List.of(get("http://127.0.0.1:" + port + "/next", 5000)))).containsExactly(Outcome.OK);
        }
        assertThat(clientPorts).as("the timed-out connection was closed, the next request opened another").hasSize(2);
    }

    @Test
    void aFullQueueRefusesAtOnceAndATimeoutInTheQueueFreesItsPlace() throws Exception {
        int port = startServer();
        sleepMillis = 1000;
        try (Transport t = new Transport(1, 1)) {
            String url = "http://127.0.0.1:" + port + "/busy";
            CompletableFuture<Outcome> onTheWire = new CompletableFuture<>();
            CompletableFuture<Outcome> queued = new CompletableFuture<>();
            CompletableFuture<Outcome> refused = new CompletableFuture<>();
            t.send(get(url, 5000), onTheWire::complete);
            t.send(get(url, 100), queued::complete);
            t.send(get(url, 5000), refused::complete);
            assertThat(refused.get(50, TimeUnit.MILLISECONDS)).as("no connection free, queue full").isEqualTo(Outcome.IO_ERROR);
            assertThat(queued.get(2, TimeUnit.SECONDS)).as("timed out while waiting for the connection").isEqualTo(Outcome.TIMEOUT);
            CompletableFuture<Outcome> takesItsPlace = new CompletableFuture<>();
            t.send(get(url, 5000), takesItsPlace::complete);
            assertThat(onTheWire.get(5, TimeUnit.SECONDS)).isEqualTo(Outcome.OK);
            assertThat(takesItsPlace.get(5, TimeUnit.SECONDS)).as("queued in the freed place, then served").isEqualTo(Outcome.OK);
        }
        assertThat(seen).as("the request that timed out in the queue was never sent").hasSize(2);
    }

    @Test
    void nothingListeningIsAnIoErrorForEveryRequest() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (Transport t = new Transport(2, 100)) {
            List<LabRequest> requests = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                requests.add(get("http://127.0.0.1:" + port + "/", 5000));
            }
            assertThat(sendAll(t, requests)).containsOnly(Outcome.IO_ERROR).hasSize(10);
        }
    }

    @Test
    void aServerThatClosesEachConnectionGetsANewOneForEveryRequest() throws Exception {
        int port = startServer();
        closeEach = true;
        try (Transport t = new Transport(1, 100)) {
            List<LabRequest> requests = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                requests.add(get("http://127.0.0.1:" + port + "/", 5000));
            }
            assertThat(sendAll(t, requests)).containsOnly(Outcome.OK).hasSize(5);
        }
        assertThat(clientPorts).hasSize(5);
    }

    @Test
    void aConnectionDroppedMidAnswerIsAnIoErrorAndTheNextRequestIsServed() throws Exception {
        try (ServerSocket raw = new ServerSocket(0)) {
            CountDownLatch served = new CountDownLatch(1);
            Thread.ofVirtual().start(() -> {
                try {
                    try (Socket first = raw.accept()) {
                        readHead(first.getInputStream());
                        first.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part".getBytes(StandardCharsets.US_ASCII));
                    }
                    try (Socket second = raw.accept()) {
                        readHead(second.getInputStream());
                        second.getOutputStream().write("HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                        served.await(5, TimeUnit.SECONDS);
                    }
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            try (Transport t = new Transport(1, 10)) {
                String url = "http://127.0.0.1:" + raw.getLocalPort() + "/";
                assertThat(sendAll(t, List.of(get(url, 5000)))).containsExactly(Outcome.IO_ERROR);
                assertThat(sendAll(t, List.of(get(url, 5000)))).containsExactly(Outcome.OK);
                served.countDown();
            }
        }
    }

    @Test
    void requestsHandedOverAheadNeverStartBeforeTheirInstant() throws Exception {
        int port = startServer();
        try (Transport t = new Transport(4, 1000)) {
            long base = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
            List<CompletableFuture<long[]>> ended = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                long at = base + i * 137_000L; // not on the start grid: each has to wait for the next tick
                CompletableFuture<long[]> f = new CompletableFuture<>();
                ended.add(f);
                t.send(get("http://127.0.0.1:" + port + "/r" + i, 10_000), at,
                        (outcome, started) -> f.complete(new long[] {at, started, outcome == Outcome.OK ? 1 : 0}));
            }
            for (CompletableFuture<long[]> f : ended) {
                long[] r = f.get(20, TimeUnit.SECONDS);
                assertThat(r[2]).as("answered").isEqualTo(1);
                assertThat(r[1]).as("started at or after its instant").isGreaterThanOrEqualTo(r[0]);
            }
        }
        assertThat(seen).hasSize(200);
    }

    @Test
    void theAnswerToAHeadRequestHasNoBodyEvenWithALengthAndTheNextAnswerIsReadWhole() throws Exception {
        try (ServerSocket raw = new ServerSocket(0)) {
            Thread.ofVirtual().start(() -> {
                try (Socket s = raw.accept()) {
                    readHead(s.getInputStream());
                    s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    readHead(s.getInputStream());
                    s.getOutputStream().write("HTTP/1.1 404 Not Found\r\nContent-Length: 5\r\n\r\nnope!".getBytes(StandardCharsets.US_ASCII));
                    s.getInputStream().read(); // until the client closes
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            try (Transport t = new Transport(1, 10)) {
                String url = "http://127.0.0.1:" + raw.getLocalPort() + "/";
                LabRequest head = new LabRequest("HEAD", URI.create(url), Map.of(), null, 5000);
                assertThat(sendAll(t, List.of(head))).containsExactly(Outcome.OK);
                assertThat(sendAll(t, List.of(get(url, 5000)))).as("the same connection: the HEAD answer took no body")
                        .containsExactly(Outcome.CLIENT_ERROR);
            }
        }
    }

    private static void readHead(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before the request's head ended");
            }
            matched = b == end[matched] ? matched + 1 : b == '\r' ? 1 : 0;
        }
    }
}
