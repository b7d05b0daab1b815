package io.headroom.admission;

import java.util.Locale;

/**
 * How much a request matters when there is not room for all: checkout before reads before reports. A route has a
 * class from configuration; a client may lower it ({@code Priority} header), never raise it.
 */
public enum Priority {
    CRITICAL, DEFAULT, SHEDDABLE;

    /** The route's class, or the one the client asked for if that is lower; unknown values are ignored. */
    public Priority loweredBy(String requested) {
        if (requested == null) {
            return this;
        }
        try {
            Priority asked = valueOf(requested.trim().toUpperCase(Locale.ROOT));
            return asked.ordinal() > ordinal() ? asked : this;
        } catch (IllegalArgumentException e) {
            return this;
        }
    }
}
