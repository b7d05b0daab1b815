package io.headroom.app.notifications;

/**
 * Emails to customers: one per order and template ({@code order-paid}, {@code payment-failed}), written when the
 * order moves (listening to the orders module's events) and sent by a job on queue {@value #QUEUE} through the
 * email provider with an idempotency key.
 */
public final class Notifications {

    public static final String QUEUE = "notifications";
    public static final String SEND = "notifications.send";

    private Notifications() {
    }
}
