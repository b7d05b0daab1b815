package io.headroom.lab.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Sends the generator's requests over HTTP/1.1 (written directly, answers read by Netty's decoder) on at most
 * {@code connections} persistent connections per target, one request at a time on each (no pipelining); requests
 * beyond them wait in a queue of at most {@code queued}, their wait counted in their latency. Bodies of answers
 * are discarded as they arrive.
 * <p>
 * A request is handed over ahead of its intended start ({@link #send(LabRequest, long, Ended)}) and the event loop
 * that will carry it starts it at that instant, or at most {@link #START_GRID_NANOS} after it, on its own timer: the
 * caller wakes once per batch instead of once per request, and no request crosses threads on its way to the
 * wire. Each event loop is a <em>lane</em> with its own share of the connections; requests are dealt to the lanes in turn, and everything about a request — its
 * start, its connection, its deadline, its answer — happens on its lane's thread, so the pools need no locks.
 * <p>
 * A request's deadline counts from its intended start: when it passes, the request ends as {@link Outcome#TIMEOUT}
 * and, if it was on the wire, its connection is closed (its answer could no longer be told apart) and replaced.
 * <p>
 * Chosen by measurement (bench/README.md, "The lab's generator against wrk"): the JDK's client opened a
 * connection per concurrent request and topped out near 10k requests/s here; Jetty's client needed a thread
 * hand-off per request and sustained 0.60x of wrk. The pool is written here because Netty's own pools hand out
 * channels, not timed requests with a deadline and a bounded queue. Thread-safe.
 */
public final class Transport implements AutoCloseable {

    /** How a request ended, and when it was actually started (to tell whether the generator kept its schedule). */
    @FunctionalInterface
    public interface Ended {
        void ended(Outcome outcome, long startedNanos);
    }

    /**
     * Requests start on this grid: at the first tick at or after their intended start. Each lane then wakes once
     * per tick with work instead of once per request, and the target gets them in small bursts it also handles more
     * cheaply. The wait, at most one tick, counts in the request's latency like any other. Measured at 10,000
     * requests/s against a trivial endpoint (bench/README.md): the generator's CPU per request fell by about a
     * quarter against starting each request at its own instant.
     */
    static final long START_GRID_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private static final AttributeKey<Exchange> EXCHANGE = AttributeKey.valueOf("headroom.lab.exchange");

    private static final byte[] HTTP_1_1 = " HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);

    private final EventLoopGroup group;
    private final Lane[] lanes;
    private final AtomicInteger nextLane = new AtomicInteger();

    /** Two event loops (one on a single core): enough for tens of thousands of requests per second. */
    public Transport(int connections, int queued) {
        this(connections, queued, Math.min(2, Runtime.getRuntime().availableProcessors()));
    }

    public Transport(int connections, int queued, int eventLoops) {
        if (connections < 1 || queued < 0 || eventLoops < 1) {
            throw new IllegalArgumentException("need connections >= 1, queued >= 0, eventLoops >= 1");
        }
        int laneCount = Math.min(eventLoops, connections);
        // Linux's epoll when its native part loads (fewer system calls, timers finer than a millisecond), else NIO.
        boolean epoll = Epoll.isAvailable();
        this.group = new MultiThreadIoEventLoopGroup(laneCount, new DefaultThreadFactory("lab-http", true),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        Bootstrap bootstrap = new Bootstrap().channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new AnswerDecoder(), new AnswerHandler());
                    }
                });
        this.lanes = new Lane[laneCount];
        for (int i = 0; i < laneCount; i++) {
            // Connections and queue places shared out: lane i gets its part, the first ones the remainders.
            lanes[i] = new Lane(group.next(), bootstrap, connections / laneCount + (i < connections % laneCount ? 1 : 0),
                    queued / laneCount + (i < queued % laneCount ? 1 : 0));
        }
        warmUp();
    }

    /** Sends {@code r} now; {@code done} gets how it ended, exactly once, on one of the transport's threads. */
    public void send(LabRequest r, Consumer<Outcome> done) {
        send(r, System.nanoTime(), (outcome, started) -> done.accept(outcome));
    }

    /**
     * Sends {@code r} at {@code atNanos} ({@link System#nanoTime()}; at once when that has passed); its deadline
     * ({@link LabRequest#timeoutMs()}) counts from then. Hand requests over at most a few milliseconds ahead.
     */
    public void send(LabRequest r, long atNanos, Ended done) {
        Exchange x = new Exchange(r, atNanos, done);
        if (!"http".equalsIgnoreCase(r.uri().getScheme())) {
            x.end(Outcome.IO_ERROR, System.nanoTime()); // plain HTTP only: the lab targets loopback
            return;
        }
        lanes[Math.floorMod(nextLane.getAndIncrement(), lanes.length)].handOver(x);
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * A hundred requests and answers through the codec in memory, one connection to a loopback socket of its own
     * and a task on every lane: the classes, threads and first compilations they need are ready before the run,
     * so the first second's latency is the target's, not this client's start-up (measured: about 0.9 s for the
     * first request on a cold JVM without it).
     */
    private void warmUp() {
        EmbeddedChannel ch = new EmbeddedChannel(new AnswerDecoder());
        byte[] hostLine = hostLine("127.0.0.1", 1);
        for (int i = 0; i < 100; i++) {
            new Exchange(new LabRequest("POST", URI.create("http://127.0.0.1:1/warm-up?x=1"), Map.of("Content-Type", "application/json"), "{}", 1000), 0,
                    (o, s) -> {
                    }).encode(ch.alloc(), hostLine).release();
            ch.writeInbound(Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}", StandardCharsets.US_ASCII));
            Object in;
            while ((in = ch.readInbound()) != null) {
                ReferenceCountUtil.release(in);
            }
        }
        ch.finishAndReleaseAll();
        try (ServerSocket local = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            lanes[0].bootstrap.connect(local.getLocalSocketAddress()).syncUninterruptibly()
                    .channel().close().syncUninterruptibly();
        } catch (IOException e) {
            throw new UncheckedIOException("the generator's HTTP client could not warm up on loopback: " + e.getMessage(), e);
        }
        for (Lane lane : lanes) {
            lane.loop.submit(() -> { }).syncUninterruptibly();
        }
    }

    /** One request from {@link #send} until it ends. Touched only on its lane's thread once handed over. */
    private static final class Exchange {
        final LabRequest request;
        final long atNanos;
        final Ended done;
        boolean ended;
        long startedNanos;
        ScheduledFuture<?> timeout;
        /** The connection it was written to, while it is on the wire. */
        Channel channel;
        /** Whether it sits in its pool's queue. */
        boolean waiting;
        Pool pool;
        int status;
        boolean keepAlive;

        Exchange(LabRequest request, long atNanos, Ended done) {
            this.request = request;
            this.atNanos = atNanos;
            this.done = done;
        }

        boolean end(Outcome outcome, long now) {
            if (ended) {
                return false;
            }
            ended = true;
            if (timeout != null) {
                timeout.cancel(false);
            }
            done.ended(outcome, startedNanos == 0 ? now : startedNanos);
            return true;
        }

        /**
         * The request as bytes on the wire: request line, {@code Host} (unless the request names its own), the
         * request's headers as given (validating them is the workload's business), {@code Content-Length} with a
         * body. Written directly rather than through Netty's encoder, which builds a header map per request only to
         * write it out again (its header objects were about a fifth of the generator's allocation).
         */
        ByteBuf encode(ByteBufAllocator alloc, byte[] hostLine) {
            URI uri = request.uri();
            String path = uri.getRawPath();
            byte[] body = request.body() == null ? null : request.body().getBytes(StandardCharsets.UTF_8);
            ByteBuf out = alloc.buffer(256 + (body == null ? 0 : body.length));
            out.writeCharSequence(request.method(), StandardCharsets.US_ASCII);
            out.writeByte(' ');
            out.writeCharSequence(path == null || path.isEmpty() ? "/" : path, StandardCharsets.UTF_8);
            if (uri.getRawQuery() != null) {
                out.writeByte('?');
                out.writeCharSequence(uri.getRawQuery(), StandardCharsets.UTF_8);
            }
            out.writeBytes(HTTP_1_1);
            boolean ownHost = false;
            for (Map.Entry<String, String> h : request.headers().entrySet()) {
                if (body != null && h.getKey().equalsIgnoreCase("Content-Length")) {
                    continue; // the body's own length is written below
                }
                ownHost |= h.getKey().equalsIgnoreCase("Host");
                out.writeCharSequence(h.getKey(), StandardCharsets.UTF_8);
                out.writeByte(':');
                out.writeByte(' ');
                out.writeCharSequence(h.getValue(), StandardCharsets.UTF_8);
                out.writeByte('\r');
                out.writeByte('\n');
            }
            if (!ownHost) {
                out.writeBytes(hostLine);
            }
            if (body != null) {
                out.writeCharSequence("Content-Length: " + body.length + "\r\n", StandardCharsets.US_ASCII);
            }
            out.writeByte('\r');
            out.writeByte('\n');
            if (body != null) {
                out.writeBytes(body);
            }
            return out;
        }
    }

    /** One event loop, its share of the connections to each target, and the requests handed to it. */
    private final class Lane {
        final EventLoop loop;
        /** Opens connections on this lane's loop. */
        final Bootstrap bootstrap;
        final int connections;
        final int queued;
        final Map<String, Pool> pools = new HashMap<>();
        /** Handed over by other threads, taken by the loop in batches: one wake-up per batch, not per request. */
        final Queue<Exchange> handedOver = new ConcurrentLinkedQueue<>();
        final AtomicBoolean drainScheduled = new AtomicBoolean();
        final Runnable drain = this::drain;
        /** Handed-over requests not started yet, earliest instant first. */
        final PriorityQueue<Exchange> due = new PriorityQueue<>(Comparator.comparingLong(x -> x.atNanos));
        final Runnable startDueTask = () -> {
            startTimer = null;
            startDue();
        };
        ScheduledFuture<?> startTimer;
        long startTimerAt;

        Lane(EventLoop loop, Bootstrap template, int connections, int queued) {
            this.loop = loop;
            this.bootstrap = template.clone().group(loop);
            this.connections = connections;
            this.queued = queued;
        }

        void handOver(Exchange x) {
            handedOver.add(x);
            if (drainScheduled.compareAndSet(false, true)) {
                loop.execute(drain);
            }
        }

        private void drain() {
            drainScheduled.set(false);
            Exchange x;
            while ((x = handedOver.poll()) != null) {
                due.add(x);
            }
            startDue();
        }

        /**
         * Starts every request whose instant has come, and sets the one timer for the next: at its instant rounded
         * up to the lane's grid ({@link #START_GRID_NANOS}), so that requests close together start in one wake-up.
         */
        private void startDue() {
            long now = System.nanoTime();
            Exchange x;
            while ((x = due.peek()) != null && x.atNanos <= now) {
                due.poll();
                start(x);
            }
            if (x != null) {
                long at = Math.ceilDiv(x.atNanos, START_GRID_NANOS) * START_GRID_NANOS;
                if (startTimer == null || at < startTimerAt) {
                    if (startTimer != null) {
                        startTimer.cancel(false);
                    }
                    startTimerAt = at;
                    startTimer = loop.schedule(startDueTask, at - now, TimeUnit.NANOSECONDS);
                }
            }
        }

        private void start(Exchange x) {
            long now = System.nanoTime();
            x.startedNanos = now;
            long left = x.atNanos + TimeUnit.MILLISECONDS.toNanos(x.request.timeoutMs()) - now;
            x.timeout = loop.schedule(() -> timedOut(x), Math.max(0, left), TimeUnit.NANOSECONDS);
            URI uri = x.request.uri();
            pools.computeIfAbsent(uri.getRawAuthority(), k -> new Pool(this, uri.getHost(), uri.getPort() >= 0 ? uri.getPort() : 80))
                    .submit(x);
        }

        private void timedOut(Exchange x) {
            if (!x.end(Outcome.TIMEOUT, System.nanoTime())) {
                return;
            }
            if (x.waiting) {
                x.pool.waiting--; // it stays in the queue until met there, but no longer takes a place
                x.waiting = false;
            }
            if (x.channel != null) {
                x.channel.close(); // closed() replaces the connection if requests are waiting
            }
        }
    }

    /** A lane's connections to one host and port, and the requests waiting for one of them. */
    private final class Pool {
        final Lane lane;
        final String host;
        final int port;
        final byte[] hostLine;
        final ArrayDeque<Channel> idle = new ArrayDeque<>();
        /** Requests waiting for a connection, oldest first; those that timed out are skipped when met. */
        final ArrayDeque<Exchange> queue = new ArrayDeque<>();
        int waiting;
        /** Connections open or opening. */
        int open;

        Pool(Lane lane, String host, int port) {
            this.lane = lane;
            this.host = host;
            this.port = port;
            this.hostLine = hostLine(host, port);
        }

        void submit(Exchange x) {
            x.pool = this;
            Channel ready = idle.pollFirst();
            if (ready != null) {
                write(ready, x);
            } else if (open < lane.connections) {
                open++;
                connect(x);
            } else if (waiting < lane.queued) {
                x.waiting = true;
                waiting++;
                queue.addLast(x);
            } else {
                x.end(Outcome.IO_ERROR, System.nanoTime()); // every connection busy and the queue full: refused, never sent
            }
        }

        void connect(Exchange first) {
            lane.bootstrap.connect(host, port).addListener((ChannelFutureListener) f -> {
                if (f.isSuccess()) {
                    Channel ch = f.channel();
                    ch.closeFuture().addListener(closed -> closed(ch));
                    write(ch, first);
                } else {
                    first.end(Outcome.IO_ERROR, System.nanoTime());
                    Exchange next = nextWaiting();
                    if (next != null) {
                        connect(next); // its own attempt: when the target is down, each waiting request learns it
                    } else {
                        open--;
                    }
                }
            });
        }

        /** Puts {@code x} on {@code ch}, or hands {@code ch} on when {@code x} already ended. */
        void write(Channel ch, Exchange x) {
            if (x.ended) {
                release(ch);
                return;
            }
            ch.attr(EXCHANGE).set(x);
            x.channel = ch;
            ch.writeAndFlush(x.encode(ch.alloc(), hostLine)).addListener((ChannelFutureListener) f -> {
                if (!f.isSuccess()) {
                    f.channel().close(); // closed() ends the request as IO_ERROR
                }
            });
        }

        /** {@code ch} finished an exchange and may carry the next. */
        void release(Channel ch) {
            if (!ch.isActive()) {
                return; // closed(ch) accounts for it
            }
            Exchange next = nextWaiting();
            if (next == null) {
                idle.addFirst(ch);
            } else {
                write(ch, next);
            }
        }

        /** The oldest waiting request that has not ended, taken off the queue. */
        private Exchange nextWaiting() {
            Exchange x;
            while ((x = queue.pollFirst()) != null) {
                if (x.waiting) {
                    x.waiting = false;
                    waiting--;
                    return x;
                }
            }
            return null;
        }

        void closed(Channel ch) {
            idle.remove(ch);
            Exchange lost = ch.attr(EXCHANGE).getAndSet(null);
            if (lost != null) {
                lost.channel = null;
                lost.end(Outcome.IO_ERROR, System.nanoTime());
            }
            Exchange next = nextWaiting();
            if (next != null) {
                connect(next);
            } else {
                open--;
            }
        }
    }

    private static byte[] hostLine(String host, int port) {
        return ("Host: " + host + ":" + port + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Netty's HTTP/1.1 response decoder, headers not validated (the answer's status and framing are all the lab
     * reads), told that the answer to a HEAD request has no body even when it names a length.
     */
    private static final class AnswerDecoder extends HttpResponseDecoder {
        /** The request on this connection while its answer is read. */
        private Exchange current;

        AnswerDecoder() {
            super(new HttpDecoderConfig().setValidateHeaders(false));
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            current = ctx.channel().attr(EXCHANGE).get();
            super.channelRead(ctx, msg);
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpMessage msg) {
            return current != null && "HEAD".equalsIgnoreCase(current.request.method()) || super.isContentAlwaysEmpty(msg);
        }
    }

    /** Reads answers: the status from the head, the end from the last content; bodies are dropped. */
    private static final class AnswerHandler extends SimpleChannelInboundHandler<HttpObject> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            Exchange x = ctx.channel().attr(EXCHANGE).get();
            if (msg.decoderResult().isFailure() || x == null) {
                ctx.close(); // a malformed answer, or an answer to nothing: the connection cannot be trusted
                return;
            }
            if (msg instanceof HttpResponse response) {
                x.status = response.status().code();
                x.keepAlive = HttpUtil.isKeepAlive(response);
            }
            if (msg instanceof LastHttpContent) {
                ctx.channel().attr(EXCHANGE).set(null);
                x.channel = null;
                if (x.end(Outcome.ofStatus(x.status), System.nanoTime()) && x.keepAlive) {
                    x.pool.release(ctx.channel());
                } else {
                    ctx.close(); // the server said so (Connection: close)
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // the request on it, if any, ends as IO_ERROR in closed()
        }
    }
}
