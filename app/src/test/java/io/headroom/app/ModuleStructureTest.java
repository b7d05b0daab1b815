package io.headroom.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

/** Module boundaries are verified, not hoped for; the module map in docs/modules is written from the code. */
class ModuleStructureTest {

    static final ApplicationModules MODULES = ApplicationModules.of(HeadroomApplication.class);
    static final Path DOCS = Path.of("..", "docs", "modules");

    @Test
    void everyBusinessCapabilityIsAModuleAndNoneReachesIntoAnother() {
        System.out.println(MODULES);
        assertThat(MODULES.stream().map(m -> m.getIdentifier().toString()))
                .containsExactlyInAnyOrder("tenants", "catalog", "orders", "payments", "notifications", "reporting", "ops", "web");
        MODULES.verify();
        System.out.println("[modulith] verified " + MODULES.stream().count() + " application modules: no cycles, no access to internals");
    }

    @Test
    void writesTheModuleDocumentation() {
        new Documenter(MODULES, Documenter.Options.defaults().withOutputFolder(DOCS.toString())).writeDocumentation();
        assertThat(DOCS.resolve("components.puml")).exists();
        assertThat(DOCS.resolve("module-orders.puml")).exists();
        assertThat(DOCS.resolve("module-orders.adoc")).exists();
        assertThat(Files.isRegularFile(DOCS.resolve("all-docs.adoc"))).isTrue();
    }
}
