package io.headroom.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives the annotated test class a PostgreSQL database of its own, on the server the resolution rule picks,
 * created from a template that holds every schema on the class path already migrated, and dropped after the
 * class. Test classes never share state and may run in any order. {@code @Nested} classes share their
 * outer class's database. Inject it as a {@link TestDatabase} parameter.
 */
@Documented
@Inherited
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(FreshDatabaseExtension.class)
public @interface FreshDatabase {
}
