package io.headroom.app.reporting;

import java.time.Instant;
import java.time.LocalDate;
import tools.jackson.databind.JsonNode;

/**
 * A sales report: {@code QUEUED} until its job has computed it, then {@code DONE} with the result (sales per day
 * and per product over {@code from..to}) or {@code FAILED} with the reason.
 */
public record Report(long id, String status, LocalDate from, LocalDate to, JsonNode result, String error,
                     Instant createdAt, Instant finishedAt) {
}
