package io.headroom.app.ops;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code headroom.calls.*}: the call policy for each external provider (see headroom-calls' README). */
@ConfigurationProperties("headroom.calls")
public class CallSettings {

    private Duration connectTimeout = Duration.ofSeconds(2);
    private Duration timeout = Duration.ofSeconds(5);
    private int maxAttempts = 3;
    private Duration backoffBase = Duration.ofMillis(100);
    private Duration backoffCap = Duration.ofSeconds(2);
    private int maxConcurrent = 32;
    private final Budget retryBudget = new Budget();
    private final Breaker breaker = new Breaker();
    private final Throttle throttle = new Throttle();

    public Duration getConnectTimeout() { return connectTimeout; }
    public void setConnectTimeout(Duration value) { this.connectTimeout = value; }
    public Duration getTimeout() { return timeout; }
    public void setTimeout(Duration value) { this.timeout = value; }
    public int getMaxAttempts() { return maxAttempts; }
    public void setMaxAttempts(int value) { this.maxAttempts = value; }
    public Duration getBackoffBase() { return backoffBase; }
    public void setBackoffBase(Duration value) { this.backoffBase = value; }
    public Duration getBackoffCap() { return backoffCap; }
    public void setBackoffCap(Duration value) { this.backoffCap = value; }
    public int getMaxConcurrent() { return maxConcurrent; }
    public void setMaxConcurrent(int value) { this.maxConcurrent = value; }
    public Budget getRetryBudget() { return retryBudget; }
    public Breaker getBreaker() { return breaker; }
    public Throttle getThrottle() { return throttle; }

    /** Retries at most {@code ratio} of calls plus {@code min-per-second}, over {@code window}. */
    public static class Budget {
        private boolean enabled = true;
        private double ratio = 0.1;
        private double minPerSecond = 0.1;
        private Duration window = Duration.ofSeconds(5);

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean value) { this.enabled = value; }
        public double getRatio() { return ratio; }
        public void setRatio(double value) { this.ratio = value; }
        public double getMinPerSecond() { return minPerSecond; }
        public void setMinPerSecond(double value) { this.minPerSecond = value; }
        public Duration getWindow() { return window; }
        public void setWindow(Duration value) { this.window = value; }
    }

    /** Opens at {@code failure-rate}% failures or {@code slow-call-rate}% calls slower than {@code slow-call}. */
    public static class Breaker {
        private boolean enabled = true;
        /** The breaker judges the calls of this last stretch of time (a time-based sliding window; whole seconds). */
        private Duration window = Duration.ofSeconds(5);
        private int minimumCalls = 10;
        private float failureRate = 50;
        private float slowCallRate = 80;
        private Duration slowCall = Duration.ofSeconds(2);
        private Duration openFor = Duration.ofSeconds(5);
        private int halfOpenCalls = 3;

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean value) { this.enabled = value; }
        public Duration getWindow() { return window; }
        public void setWindow(Duration value) {
            if (value.toSeconds() < 1) {
                throw new IllegalArgumentException("headroom.calls.breaker.window must be at least 1s, got " + value);
            }
            this.window = value;
        }
        public int getMinimumCalls() { return minimumCalls; }
        public void setMinimumCalls(int value) { this.minimumCalls = value; }
        public float getFailureRate() { return failureRate; }
        public void setFailureRate(float value) { this.failureRate = value; }
        public float getSlowCallRate() { return slowCallRate; }
        public void setSlowCallRate(float value) { this.slowCallRate = value; }
        public Duration getSlowCall() { return slowCall; }
        public void setSlowCall(Duration value) { this.slowCall = value; }
        public Duration getOpenFor() { return openFor; }
        public void setOpenFor(Duration value) { this.openFor = value; }
        public int getHalfOpenCalls() { return halfOpenCalls; }
        public void setHalfOpenCalls(int value) { this.halfOpenCalls = value; }
    }

    /** Client-side adaptive throttling with multiplier {@code k} over {@code window}. */
    public static class Throttle {
        private boolean enabled = true;
        private double k = 2;
        private Duration window = Duration.ofMinutes(2);
        private int minRequests = 20;

        public int getMinRequests() { return minRequests; }
        public void setMinRequests(int value) { this.minRequests = value; }

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean value) { this.enabled = value; }
        public double getK() { return k; }
        public void setK(double value) { this.k = value; }
        public Duration getWindow() { return window; }
        public void setWindow(Duration value) { this.window = value; }
    }
}
