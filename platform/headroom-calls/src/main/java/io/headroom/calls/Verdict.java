package io.headroom.calls;

import java.time.Duration;

/**
 * What an answer from a dependency means for the policy.
 *
 * @param kind       {@link Kind}
 * @param retryAfter how long the dependency asked us to wait ({@code Retry-After}), or null
 * @param overloaded whether the dependency refused because it is overloaded (429, 503): not an accept for
 *                   client-side throttling
 */
public record Verdict(Kind kind, Duration retryAfter, boolean overloaded) {

    public enum Kind {
        /** The call did what was asked. */
        SUCCESS,
        /** The dependency answered, and said no for good (a decline, a 4xx): no retry, not a dependency failure. */
        REFUSED,
        /** The dependency failed in a way that may pass (5xx, 408, 429): a failure, worth a retry. */
        RETRYABLE
    }

    public static final Verdict SUCCESS = new Verdict(Kind.SUCCESS, null, false);
    public static final Verdict REFUSED = new Verdict(Kind.REFUSED, null, false);

    public static Verdict retryable(Duration retryAfter, boolean overloaded) {
        return new Verdict(Kind.RETRYABLE, retryAfter, overloaded);
    }

    /** The usual reading of an HTTP status. */
    public static Verdict ofHttpStatus(int status, Duration retryAfter) {
        if (status >= 200 && status < 300) {
            return SUCCESS;
        }
        if (status == 408 || status == 429 || status >= 500) {
            return retryable(retryAfter, status == 429 || status == 503);
        }
        return REFUSED;
    }
}
