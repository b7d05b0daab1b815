package io.headroom.testing;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The extension behind {@link FreshDatabase}: creates the class's database before its first test and drops
 * it after its last; resolves {@link TestDatabase} parameters.
 */
public final class FreshDatabaseExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(FreshDatabaseExtension.class);
    private static final String DATABASE = "database";
    private static final String OWNER = "owner";
    private static final Map<Class<?>, TestDatabase> RUNNING = new ConcurrentHashMap<>();

    /**
     * The database of a test class whose tests are running, for integrations (such as a Spring context
     * customizer) that know the class but not the JUnit context. Nested classes get their outer class's.
     */
    public static Optional<TestDatabase> databaseOf(Class<?> testClass) {
        for (Class<?> c = testClass; c != null; c = c.getEnclosingClass()) {
            TestDatabase database = RUNNING.get(c);
            if (database != null) {
                return Optional.of(database);
            }
        }
        return Optional.empty();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        if (store.get(DATABASE, TestDatabase.class) != null) {
            return;  // a @Nested class: the outer class's database is already there
        }
        Class<?> testClass = context.getRequiredTestClass();
        TestDatabase database = TestDatabases.create(testClass);
        store.put(DATABASE, database);
        store.put(OWNER, testClass);
        RUNNING.put(testClass, database);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        if (store.get(OWNER, Class.class) != context.getRequiredTestClass()) {
            return;
        }
        TestDatabase database = store.get(DATABASE, TestDatabase.class);
        RUNNING.remove(context.getRequiredTestClass());
        TestDatabases.drop(database);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == TestDatabase.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return extensionContext.getStore(NAMESPACE).get(DATABASE, TestDatabase.class);
    }
}
