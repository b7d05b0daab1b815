package io.headroom.app.ops.admission;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import org.springframework.http.server.observation.DefaultServerRequestObservationConvention;
import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.stereotype.Component;

/**
 * Adds the request's admission class to the HTTP server metrics ({@code http.server.requests}), so latency and
 * errors can be read per route and class. Requests that admission does not see are {@code none}.
 */
@Component
public class RequestClassTags extends DefaultServerRequestObservationConvention {

    /** The request attribute holding the admission class (a {@code Priority} name). */
    public static final String ATTRIBUTE = "headroom.admission.class";
    /** The request attribute set when admission turned the request away: the reason (a {@code Rejected.Reason} name). */
    public static final String REJECTED = "headroom.admission.rejected";

    @Override
    public KeyValues getLowCardinalityKeyValues(ServerRequestObservationContext context) {
        Object priority = context.getCarrier().getAttribute(ATTRIBUTE);
        return super.getLowCardinalityKeyValues(context).and(KeyValue.of("class", priority == null ? "none" : priority.toString()));
    }
}
