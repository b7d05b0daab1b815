package io.headroom.lab.load;

import java.net.URI;
import java.util.Map;

/** One request as the workload builds it; {@code timeoutMs} is its deadline, the whole exchange included. */
public record LabRequest(String method, URI uri, Map<String, String> headers, String body, long timeoutMs) {
}
