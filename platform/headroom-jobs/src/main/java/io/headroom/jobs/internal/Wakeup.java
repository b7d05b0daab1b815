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
 * burst of NOTIFYs costs one wake-up. The payload is {@code queue + '\n' + tenant}; the tenants are handed to the
 * worker so that a tenant's first job is claimed without waiting for the next tenant discovery. Waiting always ends after the poll interval too, so a lost notification, a
 * dropped LISTEN connection or NOTIFY being off (transaction-mode poolers) only adds up to one poll interval.
 */
public final class Wakeup implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Wakeup.class.getName());

    private final Semaphore signal = new Semaphore(0);
    private final java.util.Set<String> notifiedTenants = java.util.concurrent.ConcurrentHashMap.newKeySet();
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

    /** Remembers that {@code tenant} has new work (a notification, or a retry of this worker's own). */
    public void noteTenant(String tenant) {
        notifiedTenants.add(tenant);
    }

    /** The tenants noted since the last call. */
    public java.util.Set<String> drainTenants() {
        java.util.Set<String> drained = new java.util.HashSet<>();
        for (var it = notifiedTenants.iterator(); it.hasNext(); ) {
            drained.add(it.next());
            it.remove();
        }
        return drained;
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
                        String prefix = queue + "\n";
                        boolean ours = false;
                        for (PGNotification n : notifications) {
                            if (n.getParameter().startsWith(prefix)) {
                                notifiedTenants.add(n.getParameter().substring(prefix.length()));
                                ours = true;
                            }
                        }
                        if (ours) {
                            signal();
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
