package io.headroom.providers;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one provider did, keyed by idempotency key: the first answer per key (replayed for repeats), and the
 * effects per business reference, so that a second effect for the same reference (a double charge, a second
 * email) shows up however it was requested. Thread-safe (one lock; the simulator is not the bottleneck).
 */
final class Ledger {

    /** The stored answer for a key. */
    record Answer(String fingerprint, int status, String body) {
    }

    /** The outcome of {@link #record}: the answer to send and whether it was replayed. */
    record Recorded(Answer answer, boolean replayed, boolean conflict) {
    }

    /** Computes the answer for a new key; {@code effective} says whether it charged or sent. */
    interface Effect {
        Outcome apply(long sequence);
    }

    record Outcome(int status, String body, boolean effective) {
    }

    private final Map<String, Answer> byKey = new HashMap<>();
    private final Map<String, Integer> effectsByReference = new HashMap<>();
    private long requests;
    private long effective;
    private long refused;
    private long replays;
    private long conflicts;
    private long faulted;
    private long poisoned;
    private long duplicateEffects;
    private long sequence;

    synchronized void countRequest() {
        requests++;
    }

    synchronized void countFaulted() {
        faulted++;
    }

    synchronized void countPoisoned() {
        poisoned++;
    }

    /**
     * The answer for a key: replayed when the key is known with the same fingerprint, a conflict when it is known
     * with another, else the effect applied once and stored.
     */
    synchronized Recorded record(String key, String fingerprint, String reference, Effect effect) {
        Answer known = byKey.get(key);
        if (known != null) {
            if (!known.fingerprint.equals(fingerprint)) {
                conflicts++;
                return new Recorded(known, false, true);
            }
            replays++;
            return new Recorded(known, true, false);
        }
        Outcome outcome = effect.apply(++sequence);
        if (outcome.effective()) {
            effective++;
            if (effectsByReference.merge(reference, 1, Integer::sum) > 1) {
                duplicateEffects++;
            }
        } else {
            refused++;
        }
        Answer answer = new Answer(fingerprint, outcome.status(), outcome.body());
        byKey.put(key, answer);
        return new Recorded(answer, false, false);
    }

    synchronized Map<String, Object> summary() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("requests", requests);
        s.put("effective", effective);
        s.put("refused", refused);
        s.put("replays", replays);
        s.put("conflicts", conflicts);
        s.put("faulted", faulted);
        s.put("poisoned", poisoned);
        s.put("duplicateEffects", duplicateEffects);
        s.put("keys", byKey.size());
        s.put("references", effectsByReference.size());
        return s;
    }

    synchronized void reset() {
        byKey.clear();
        effectsByReference.clear();
        requests = effective = refused = replays = conflicts = faulted = poisoned = duplicateEffects = 0;
    }
}
