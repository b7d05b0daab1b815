package io.headroom.providers;

import java.util.List;

/**
 * A fault to inject into one provider, as set with {@code PUT /faults/{provider}}. Every part is optional; an
 * empty spec injects nothing.
 *
 * @param latencyMs     fixed delay added before the provider answers
 * @param jitter        random delay added on top, from a distribution
 * @param errorRate     share of requests (0..1) answered with one of {@code errorStatuses} instead
 * @param errorStatuses statuses to answer with, chosen uniformly (default 503)
 * @param hang          hold every request without answering until the client gives up or the fault ends
 * @param outage        close every connection without an answer, as a provider that is down
 * @param afterEffect   apply errors, hangs and outages after the charge or send is recorded (the effect happens
 *                      but its answer is lost: the case idempotency keys exist for)
 * @param durationMs    how long the fault lasts; null until cleared with {@code DELETE}
 */
public record FaultSpec(Long latencyMs, Jitter jitter, Double errorRate, List<Integer> errorStatuses, Boolean hang,
                        Boolean outage, Boolean afterEffect, Long durationMs) {

    public static final FaultSpec NONE = new FaultSpec(null, null, null, null, null, null, null, null);

    public FaultSpec {
        if (latencyMs != null && (latencyMs < 0 || latencyMs > 600_000)) {
            throw new IllegalArgumentException("latencyMs must be within 0..600000, got " + latencyMs);
        }
        if (errorRate != null && (errorRate < 0 || errorRate > 1 || errorRate.isNaN())) {
            throw new IllegalArgumentException("errorRate must be within 0..1, got " + errorRate);
        }
        if (errorStatuses != null) {
            if (errorStatuses.isEmpty()) {
                throw new IllegalArgumentException("errorStatuses must not be empty when set");
            }
            for (Integer status : errorStatuses) {
                if (status == null || status < 400 || status > 599) {
                    throw new IllegalArgumentException("errorStatuses must be 4xx or 5xx codes, got " + status);
                }
            }
            errorStatuses = List.copyOf(errorStatuses);
        }
        if (durationMs != null && durationMs <= 0) {
            throw new IllegalArgumentException("durationMs must be positive when set, got " + durationMs);
        }
    }

    boolean hangs() {
        return Boolean.TRUE.equals(hang);
    }

    boolean down() {
        return Boolean.TRUE.equals(outage);
    }

    boolean afterTheEffect() {
        return Boolean.TRUE.equals(afterEffect);
    }

    double errorShare() {
        return errorRate == null ? 0 : errorRate;
    }

    List<Integer> statuses() {
        return errorStatuses == null ? List.of(503) : errorStatuses;
    }

    /**
     * A random delay: {@code uniform} between 0 and {@code maxMs}, or {@code exponential} with {@code meanMs},
     * capped at {@code maxMs}.
     */
    public record Jitter(String distribution, Long meanMs, Long maxMs) {

        public Jitter {
            if (!"uniform".equals(distribution) && !"exponential".equals(distribution)) {
                throw new IllegalArgumentException("jitter.distribution must be 'uniform' or 'exponential', got " + distribution);
            }
            if (maxMs == null || maxMs <= 0 || maxMs > 600_000) {
                throw new IllegalArgumentException("jitter.maxMs must be within 1..600000, got " + maxMs);
            }
            if ("exponential".equals(distribution) && (meanMs == null || meanMs <= 0)) {
                throw new IllegalArgumentException("jitter.meanMs must be positive for an exponential distribution");
            }
        }
    }
}
