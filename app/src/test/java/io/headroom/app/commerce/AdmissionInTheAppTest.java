package io.headroom.app.commerce;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.app.AppTest;
import jakarta.servlet.Filter;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.test.context.TestPropertySource;

/**
 * Admission control over real HTTP: a flood of SHEDDABLE requests leaves CRITICAL ones served; a tenant far over
 * its quota gets 429s while another tenant's requests all succeed; a request whose deadline has passed never
 * reaches the database. A small fixed limit (4) makes the contention real on 2 cores.
 */
@AppTest
@TestPropertySource(properties = {"headroom.admission.initial-limit=4", "headroom.admission.min-limit=4",
        "headroom.admission.max-limit=4", "headroom.admission.max-wait.CRITICAL=100ms",
        "headroom.admission.max-wait.DEFAULT=100ms", "headroom.admission.max-wait.SHEDDABLE=100ms"})
class AdmissionInTheAppTest extends CommerceTestSupport {

    static final AtomicInteger PRODUCT_STATEMENTS = new AtomicInteger();

    @org.springframework.beans.factory.annotation.Autowired
    io.micrometer.core.instrument.MeterRegistry registry;

    @org.springframework.beans.factory.annotation.Autowired
    io.headroom.admission.Admission admission;

    @TestConfiguration
    static class Instruments {

        /** Counts statements that name catalog.product, on any connection of the app's pool. */
        @Bean
        static BeanPostProcessor countingDataSource() {
            return new BeanPostProcessor() {
                @Override
                public Object postProcessAfterInitialization(Object bean, String name) {
                    if (!(bean instanceof DataSource ds) || !name.equals("dataSource")) {
                        return bean;
                    }
                    return new DelegatingDataSource(ds) {
                        @Override
                        public Connection getConnection() throws java.sql.SQLException {
                            Connection c = super.getConnection();
                            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                                    (proxy, method, args) -> {
                                        if (method.getName().startsWith("prepare") && args != null && args.length > 0
                                                && String.valueOf(args[0]).contains("catalog.product")) {
                                            PRODUCT_STATEMENTS.incrementAndGet();
                                        }
                                        try {
                                            return method.invoke(c, args);
                                        } catch (java.lang.reflect.InvocationTargetException e) {
                                            throw e.getCause();
                                        }
                                    });
                        }
                    };
                }
            };
        }

        /** Holds a request for the milliseconds in X-Test-Stall after admission, before the app's work. */
        @Bean
        FilterRegistrationBean<Filter> stall() {
            FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>((request, response, chain) -> {
                String stall = ((jakarta.servlet.http.HttpServletRequest) request).getHeader("X-Test-Stall");
                if (stall != null) {
                    try {
                        Thread.sleep(Long.parseLong(stall));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                chain.doFilter(request, response);
            });
            registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 40);
            return registration;
        }
    }

    @Test
    void aSheddableFloodLeavesCriticalRequestsServed() throws Exception {
        Tenant shop = tenant("Critical Shop");
        long product = product(shop, "gift", 900, 1_000);
        List<Tenant> bulk = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            bulk.add(tenant("Bulk " + i));
        }
        List<Future<Response>> flood = new ArrayList<>();
        List<Integer> criticalStatuses = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 200; i++) {
                Tenant t = bulk.get(i % bulk.size());
                // Lowered to SHEDDABLE by the client, and slowed so that they hold their permits.
                flood.add(pool.submit(() -> call("GET", "/v1/products", t.key(), null, "Priority", "sheddable", "X-Test-Stall", "30")));
            }
            // Checkouts arrive one after another while the flood is on.
            for (int i = 0; i < 20; i++) {
                criticalStatuses.add(placeOrder(shop, order(product, 1, "4242424242424242")).status());
            }
        }
        long shed = 0;
        for (Future<Response> f : flood) {
            Response r = f.get();
            assertThat(r.status()).as("overload is refused with 429 (the default overload-status), not 503").isNotEqualTo(503);
            if (r.status() == 429 && r.json().get("type").asString().endsWith("/overloaded")) {
                assertThat(r.headers().firstValue("Retry-After")).isPresent();
                assertThat(r.headers().firstValue("Connection")).as("the connection is kept").isEmpty();
                shed++;
            }
        }
        System.out.printf("[admission] SHEDDABLE flood: %d of 200 shed; CRITICAL: %s%n", shed, criticalStatuses);

        assertThat(shed).as("the flood is shed").isPositive();
        assertThat(registry.find("headroom.admission.rejected").tag("class", "SHEDDABLE").tag("reason", "overloaded").counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count).sum())
                .as("the metric counts what was shed, over the tenants' labels").isGreaterThanOrEqualTo(shed);
        assertThat(registry.get("headroom.admission.wait").tag("class", "CRITICAL").timer().count()).isGreaterThanOrEqualTo(20);
        assertThat(registry.get("headroom.admission.limit").gauge().value()).isEqualTo(4.0);
        assertThat(registry.get("headroom.admission.admitted").tag("class", "CRITICAL").tag("tenant", shop.id()).counter().count())
                .as("admitted per class and tenant").isEqualTo(20);
        assertThat(criticalStatuses).as("every checkout is served").allMatch(s -> s == 201);
    }

    @Test
    void aTenantFarOverItsQuotaIsRefusedWhileAnotherTenantIsServed() throws Exception {
        Response created = call("POST", "/admin/tenants", OPERATOR_KEY, "{\"name\":\"Noisy\",\"plan\":\"free\"}");
        Tenant noisy = new Tenant(created.json().get("id").asString(), created.json().get("apiKey").asString());
        Tenant quiet = tenant("Quiet");
        List<Future<Response>> noisyCalls = new ArrayList<>();
        List<Future<Response>> quietCalls = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 100; i++) {
                noisyCalls.add(pool.submit(() -> call("GET", "/v1/products", noisy.key(), null)));
                if (i % 5 == 0) {
                    quietCalls.add(pool.submit(() -> call("GET", "/v1/products", quiet.key(), null)));
                }
                Thread.sleep(10); // ~100 requests/s: 20x the free plan's 5/s
            }
        }
        int limited = 0;
        for (Future<Response> f : noisyCalls) {
            Response r = f.get();
            if (r.status() == 429) {
                assertThat(r.json().get("type").asString()).endsWith("/tenant-over-quota");
                assertThat(r.headers().firstValue("RateLimit-Policy")).hasValue("\"tenant\";q=10;w=2");
                assertThat(r.headers().firstValue("RateLimit")).hasValueSatisfying(v -> assertThat(v).startsWith("\"tenant\";r=0;t="));
                assertThat(r.headers().firstValue("Retry-After")).isPresent();
                limited++;
            }
        }
        List<Integer> quietStatuses = new ArrayList<>();
        for (Future<Response> f : quietCalls) {
            quietStatuses.add(f.get().status());
        }
        System.out.printf("[admission] noisy tenant: %d of 100 refused with 429; quiet tenant: %s%n", limited, quietStatuses);

        assertThat(limited).as("most of the noisy tenant's requests").isGreaterThan(70);
        assertThat(quietStatuses).as("the quiet tenant is not affected").allMatch(s -> s == 200);
        Response ok = call("GET", "/v1/products", quiet.key(), null);
        assertThat(ok.headers().firstValue("RateLimit-Policy")).hasValue("\"tenant\";q=100;w=2");
    }

    @Test
    void aRequestWhoseDeadlinePassesBeforeItsWorkNeverReachesTheDatabase() {
        Tenant shop = tenant("Late Shop");
        long product = product(shop, "slowpoke", 100, 1);
        int before = PRODUCT_STATEMENTS.get();

        Response late = call("GET", "/v1/products/" + product, shop.key(), null, "Request-Timeout", "20", "X-Test-Stall", "100");

        assertThat(late.status()).isEqualTo(503);
        assertThat(late.json().get("type").asString()).endsWith("/deadline-exceeded");
        assertThat(late.headers().firstValue("Connection")).as("Tomcat closes the connection after any 503, which is why "
                + "admission refuses overload with 429").hasValue("close");
        assertThat(PRODUCT_STATEMENTS.get()).as("statements on catalog.product").isEqualTo(before);
        Response inTime = call("GET", "/v1/products/" + product, shop.key(), null, "Request-Timeout", "5000");
        assertThat(inTime.status()).isEqualTo(200);
        assertThat(registry.get("headroom.admission.deadline.drops").tag("where", "database").counter().count()).isGreaterThanOrEqualTo(1);
        assertThat(PRODUCT_STATEMENTS.get()).as("the counter does see a request that runs").isGreaterThan(before);
    }

    @Test
    void eachRouteAndStatusClassIsMeasuredAgainstItsOwnLatency() {
        Tenant shop = tenant("Kinds Shop");
        long product = product(shop, "kind", 100, 5);
        assertThat(call("GET", "/v1/products/" + product, shop.key(), null).status()).isEqualTo(200);
        assertThat(call("GET", "/v1/products/" + (product + 1_000_000), shop.key(), null).status()).isEqualTo(404);
        assertThat(call("BREW", "/v1/products/" + product, shop.key(), null).status()).isEqualTo(405);

        assertThat(admission.baselineNanos("GET /v1/products/{id} 2xx")).as("a read, by its route template").isPositive();
        assertThat(admission.baselineNanos("GET /v1/products/{id} 4xx")).as("its fast refusal, apart").isPositive();
        assertThat(admission.baselineNanos("(other method) (no route) 4xx")).as("an unusual method, as one; no route matched").isPositive();
        assertThat(admission.baselineNanos("BREW /v1/products/{id} 4xx")).isEqualTo(-1);
        assertThat(admission.baselineNanos("GET /v1/products/" + product + " 2xx")).as("never the raw path").isEqualTo(-1);
    }

    @Test
    void aBadRequestTimeoutIs400() {
        Tenant shop = tenant("Header Shop");
        for (String bad : List.of("soon", "0", "-5", "99999999", "1.5")) {
            Response r = call("GET", "/v1/products", shop.key(), null, "Request-Timeout", bad);
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.json().get("type").asString()).endsWith("/invalid-header");
        }
    }
}
