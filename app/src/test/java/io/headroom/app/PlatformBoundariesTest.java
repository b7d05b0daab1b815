package io.headroom.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The platform libraries are plain Java: they may be used by any application, so they know neither Spring
 * nor this app. Checked over every platform class on this class path.
 */
class PlatformBoundariesTest {

    static final JavaClasses PLATFORM = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(location -> !location.contains("/io/headroom/app/"))
            .importPackages("io.headroom");

    @Test
    void platformLibrariesDoNotDependOnSpring() {
        noClasses().that().resideOutsideOfPackage("io.headroom.app..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..")
                .because("platform libraries are plain Java, usable without Spring")
                .check(PLATFORM);
    }

    @Test
    void platformLibrariesDoNotDependOnTheApp() {
        noClasses().that().resideOutsideOfPackage("io.headroom.app..")
                .should().dependOnClassesThat().resideInAPackage("io.headroom.app..")
                .because("platform libraries never depend on the application that uses them")
                .check(PLATFORM);
    }
}
