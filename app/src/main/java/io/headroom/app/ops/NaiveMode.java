package io.headroom.app.ops;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;

/**
 * {@code headroom.mode=naive}: the same application with the usual shortcuts, so that the lab can measure what
 * the defences buy — no admission control (so no deadlines and no quotas), long timeouts, five immediate retries
 * with no backoff, budget, breaker, throttling or bulkhead, the payment call made inline inside
 * {@code POST /v1/orders}, reports computed inside the request with no statement timeout, and one large pool.
 * These are defaults placed below the command line and the environment, above the configuration files, so an
 * explicit setting still wins. The code paths are the same; only configuration differs.
 */
class NaiveMode implements EnvironmentPostProcessor {

    static final Map<String, Object> SETTINGS = new LinkedHashMap<>();

    static {
        SETTINGS.put("headroom.admission.enabled", "false");
        SETTINGS.put("headroom.calls.timeout", "30s");
        SETTINGS.put("headroom.calls.max-attempts", "6");
        SETTINGS.put("headroom.calls.backoff-base", "0ms");
        SETTINGS.put("headroom.calls.backoff-cap", "0ms");
        SETTINGS.put("headroom.calls.max-concurrent", "0");
        SETTINGS.put("headroom.calls.retry-budget.enabled", "false");
        SETTINGS.put("headroom.calls.breaker.enabled", "false");
        SETTINGS.put("headroom.calls.throttle.enabled", "false");
        SETTINGS.put("headroom.payments.inline", "true");
        SETTINGS.put("headroom.reports.inline", "true");
        SETTINGS.put("headroom.reports.statement-timeout", "0ms");
        SETTINGS.put("headroom.database.bulkheads", "false");
        SETTINGS.put("spring.datasource.hikari.maximum-pool-size", "50");
        SETTINGS.put("spring.datasource.hikari.connection-timeout", "30000");
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String mode = environment.getProperty("headroom.mode", "hardened");
        if (mode.equals("hardened")) {
            return;
        }
        if (!mode.equals("naive")) {
            throw new IllegalArgumentException("headroom.mode must be 'hardened' or 'naive', got '" + mode + "'");
        }
        MapPropertySource naive = new MapPropertySource("headroomNaiveMode", SETTINGS);
        String firstConfigFile = null;
        for (PropertySource<?> source : environment.getPropertySources()) {
            if (source.getName().startsWith("Config resource")) {
                firstConfigFile = source.getName();
                break;
            }
        }
        if (firstConfigFile == null) {
            environment.getPropertySources().addLast(naive);
        } else {
            environment.getPropertySources().addBefore(firstConfigFile, naive);
        }
    }
}
