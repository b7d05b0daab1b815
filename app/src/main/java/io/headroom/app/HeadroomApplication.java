package io.headroom.app;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The Headroom commerce backend: one Spring Modulith module per business capability, each owning one
 * PostgreSQL schema. See {@code docs/modules/} for the module map.
 */
@SpringBootApplication
@EnableScheduling
public class HeadroomApplication {

    public static void main(String[] args) {
        SpringApplication.run(HeadroomApplication.class, args);
    }
}
