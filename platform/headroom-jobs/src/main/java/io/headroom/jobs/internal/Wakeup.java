package io.headroom.jobs.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Wakes an idle worker when a job is enqueued on its queue: LISTEN on a connection of its own, debounced so that a
 * burst of NOTIFYs costs one wake-up. Waiting always ends after the poll interval too, so a lost notification, a
 * dropped LISTEN connection or NOTIFY being off (transaction-mode poolers) only adds up to one poll interval.
 */
public final class Wakeup implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Wakeup.class.getName());

    private final Semaphore signal = new Semaphore(0);
    private final String channel;
    private final String queue;
    private final DataSource dataSource;
    private final Consumer<Throwable> onFailure;
    private volatile boolean open = true;
    private Thread listener;

    public Wakeup(DataSource dataSource, String channel, String queue, Consumer<Throwable> onFailure) {
        this.dataSource = dataSource;
        this.channel = channel;
        this.queue = queue;
        this.onFailure = onFailure;
    }

    /** Starts listening (only when NOTIFY is on; otherwise waiting is plain polling). */
    public void listen() {
        listener = Thread.ofPlatform().daemon().name("jobs-listen-" + queue).start(this::listenLoop);
    }

    /** Wakes the waiter now. */
    public void signal() {
        if (signal.availablePermits() == 0) {
            signal.release();
        }
    }

    /** Waits for a wake-up or the poll interval, whichever is first. */
    public void await(Duration pollInterval) throws InterruptedException {
        signal.tryAcquire(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
        signal.drainPermits();
    }

    private void listenLoop() {
        long backoffMillis = 100;
        while (open) {
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                c.setAutoCommit(true);
                s.execute("LISTEN " + channel);
                PGConnection pg = c.unwrap(PGConnection.class);
                backoffMillis = 100;
                while (open) {
                    PGNotification[] notifications = pg.getNotifications(500);
                    if (notifications != null) {
                        for (PGNotification n : notifications) {
                            if (queue.equals(n.getParameter())) {
                                signal();
                                break;
                            }
                        }
                    }
                }
            } catch (SQLException e) {
                if (!open) {
                    return;
                }
                onFailure.accept(e);
                LOG.log(System.Logger.Level.WARNING, "LISTEN connection for queue {0} failed ({1}); polling until it is back",
                        queue, e.getMessage());
                try {
                    Thread.sleep(backoffMillis);
                } catch (InterruptedException interrupted) {
                    return;
                }
                backoffMillis = Math.min(backoffMillis * 2, 10_000);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        open = false;
        signal();
        if (listener != null) {
            listener.join(2_000);
        }
    }
}
