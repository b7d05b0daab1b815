package io.headroom.admission;

/** What admission control decides, for metrics. Called under no lock; must be quick. */
public interface AdmissionEvents {

    AdmissionEvents NONE = new AdmissionEvents() {
    };

    default void admitted(Priority priority, String tenant, long waitedNanos) {
    }

    default void rejected(Priority priority, String tenant, Rejected.Reason reason) {
    }
}
