package io.headroom.app.orders;

/**
 * Where an order is. {@code PENDING_PAYMENT} until the payment job reports; {@code PAYMENT_STUCK} while its job
 * is dead-lettered (after a replay it can still become {@code PAID} or {@code PAYMENT_FAILED}); the other two are
 * final.
 */
public enum OrderStatus {
    PENDING_PAYMENT, PAID, PAYMENT_FAILED, PAYMENT_STUCK
}
