package io.headroom.app.reporting.internal;

import io.headroom.app.reporting.Report;
import io.headroom.app.reporting.Reports;
import io.headroom.app.web.ApiProblem;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.net.URI;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** {@code /v1/reports}: ask for a sales report (202), then poll it. */
@RestController
class ReportsController {

    static final int MAX_DAYS = 366;

    record RequestReport(@NotNull LocalDate from, @NotNull LocalDate to) {
    }

    private final Reports reports;

    ReportsController(Reports reports) {
        this.reports = reports;
    }

    @ApiResponse(responseCode = "202", description = "the report, QUEUED; poll its Location")
    @PostMapping(path = "/v1/reports", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Report> request(@Valid @RequestBody RequestReport request) {
        if (request.to().isBefore(request.from())) {
            throw ApiProblem.invalid("to", "must not be before from");
        }
        if (ChronoUnit.DAYS.between(request.from(), request.to()) >= MAX_DAYS) {
            throw ApiProblem.invalid("to", "must be within " + MAX_DAYS + " days of from");
        }
        if (request.from().getYear() < 2000 || request.to().getYear() > 2100) {
            throw ApiProblem.invalid("from", "and to must be within the years 2000..2100");
        }
        Report r = reports.request(request.from(), request.to());
        return ResponseEntity.accepted().location(URI.create("/v1/reports/" + r.id())).body(r);
    }

    @GetMapping("/v1/reports/{id}")
    Report get(@PathVariable @Positive long id) {
        return reports.get(id).orElseThrow(() -> ApiProblem.notFound("report", id));
    }
}
