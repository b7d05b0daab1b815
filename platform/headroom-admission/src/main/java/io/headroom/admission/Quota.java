package io.headroom.admission;

/**
 * A tenant's rate quota and its state, for the IETF {@code RateLimit-Policy} / {@code RateLimit} headers.
 *
 * @param burst          tokens the bucket holds (the requests allowed in one go)
 * @param perSecond      tokens added per second
 * @param remaining      tokens left now
 * @param resetSeconds   seconds until the bucket is full again
 */
public record Quota(long burst, long perSecond, long remaining, long resetSeconds) {

    /** {@code RateLimit-Policy: "tenant";q=<burst>;w=<seconds to refill>}. */
    public String policyHeader() {
        return "\"tenant\";q=" + burst + ";w=" + Math.max(1, burst / Math.max(1, perSecond));
    }

    /** {@code RateLimit: "tenant";r=<remaining>;t=<seconds>}. */
    public String stateHeader() {
        return "\"tenant\";r=" + remaining + ";t=" + resetSeconds;
    }
}
