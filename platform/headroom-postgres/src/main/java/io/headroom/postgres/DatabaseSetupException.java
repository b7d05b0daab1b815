package io.headroom.postgres;

/**
 * The database Headroom was told to use, or would fall back to, cannot be used. The message is one line
 * that names the setting or component at fault and what to do about it.
 */
public class DatabaseSetupException extends RuntimeException {

    public DatabaseSetupException(String message) {
        super(message);
    }

    public DatabaseSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
