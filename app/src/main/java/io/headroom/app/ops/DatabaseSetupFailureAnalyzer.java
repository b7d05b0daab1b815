package io.headroom.app.ops;

import io.headroom.postgres.DatabaseSetupException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a database that cannot be used into Spring Boot's short failure report instead of a stack trace. */
class DatabaseSetupFailureAnalyzer extends AbstractFailureAnalyzer<DatabaseSetupException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, DatabaseSetupException cause) {
        return new FailureAnalysis(cause.getMessage(),
                "Set HEADROOM_DB_URL to a reachable PostgreSQL, or unset it so that Headroom uses the local or embedded server "
                        + "(./headroom db status shows which).", cause);
    }
}
