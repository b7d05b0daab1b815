package io.headroom.app;

import io.headroom.testing.FreshDatabase;
import io.headroom.testing.FreshDatabaseExtension;
import java.util.List;
import java.util.Map;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Points a test's Spring context at the test class's own database. The lookup happens when the context is
 * built, after {@link FreshDatabaseExtension} made the database, whatever order JUnit runs the extensions in.
 */
class FreshDatabaseContextCustomizerFactory implements ContextCustomizerFactory {

    @Override
    public ContextCustomizer createContextCustomizer(Class<?> testClass, List<ContextConfigurationAttributes> configAttributes) {
        return AnnotatedElementUtils.hasAnnotation(testClass, FreshDatabase.class) ? new Customizer(testClass) : null;
    }

    /** One per test class, so no two classes share a cached context (or a database). */
    private record Customizer(Class<?> testClass) implements ContextCustomizer {

        @Override
        public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
            String url = FreshDatabaseExtension.databaseOf(testClass)
                    .orElseThrow(() -> new IllegalStateException(testClass.getName() + " has no fresh database; is @FreshDatabase on it?"))
                    .jdbcUrl();
            context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("headroomTestDatabase", Map.of("spring.datasource.url", url)));
        }
    }
}
