package io.headroom.app.commerce;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.app.AppTest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/** N concurrent orders against stock N/2: exactly N/2 succeed, the rest are told out-of-stock, stock ends at 0. */
@AppTest
// All 60 must reach the database at once for this to test the reservation, not admission control: let them in.
@TestPropertySource(properties = {"headroom.admission.tenant-max-share=1.0", "headroom.admission.max-wait.CRITICAL=20s",
        "headroom.admission.max-wait.DEFAULT=20s", "headroom.admission.max-wait.SHEDDABLE=20s",
        "headroom.admission.initial-limit=100", "headroom.admission.min-limit=100", "headroom.admission.max-limit=100",
        "spring.datasource.hikari.connection-timeout=20000"})
class OversellTest extends CommerceTestSupport {

    @Test
    void concurrentOrdersNeverOversell() throws Exception {
        int n = 60;
        Tenant shop = tenant("Busy Shop");
        long product = product(shop, "last-ones", 500, n / 2);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Response>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return placeOrder(shop, order(product, 1, "4242424242424242"));
                }));
            }
            start.countDown();
        }
        List<Response> responses = new ArrayList<>();
        for (Future<Response> f : futures) {
            responses.add(f.get());
        }

        assertThat(responses).filteredOn(r -> r.status() == 201).hasSize(n / 2);
        assertThat(responses).filteredOn(r -> r.status() == 409)
                .hasSize(n / 2)
                .allSatisfy(r -> {
                    assertThat(r.contentType()).isEqualTo("application/problem+json");
                    assertThat(r.json().get("type").asString()).endsWith("/out-of-stock");
                });
        assertThat(stock(shop, product)).isZero();
        assertThat(call("GET", "/v1/orders?limit=100", shop.key(), null).json().get("items").size()).isEqualTo(n / 2);
    }
}
