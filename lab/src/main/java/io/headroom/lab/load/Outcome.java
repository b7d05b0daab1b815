package io.headroom.lab.load;

/** How one intended request ended. */
public enum Outcome {
    /** 2xx. Goodput when it also came within the operation's deadline, counted from the intended start. */
    OK,
    /** 429 or 503: the target turned the request away (load shedding, quotas). */
    SHED,
    /** Any other 4xx. */
    CLIENT_ERROR,
    /** Any other 5xx. */
    SERVER_ERROR,
    /** No answer within the operation's deadline. */
    TIMEOUT,
    /** The connection failed or was closed without an answer. */
    IO_ERROR,
    /** Never sent: the generator already had its maximum of requests in flight. Counted, never skipped silently. */
    DROPPED;

    public static Outcome ofStatus(int status) {
        if (status >= 200 && status < 300) {
            return OK;
        }
        if (status == 429 || status == 503) {
            return SHED;
        }
        return status >= 500 ? SERVER_ERROR : CLIENT_ERROR;
    }
}
