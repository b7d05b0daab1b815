package io.headroom.app.ops.jobs;

import io.headroom.jobs.JobQueue;
import io.headroom.jobs.JobRegistration;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import javax.sql.DataSource;
import io.micrometer.tracing.Tracer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;

/**
 * Binds headroom-jobs into the app: a {@link JobQueue} on the app's data source, one worker per queue from the
 * {@link JobRegistration} beans the modules declare, the queue's metrics in Micrometer, and dead letters as
 * {@link io.headroom.app.ops.JobDeadLettered} events.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"})
@EnableConfigurationProperties(JobsProperties.class)
public class JobsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    JobMetrics jobMetrics(MeterRegistry registry, Clock clock) {
        return new JobMetrics(registry, clock);
    }

    @Bean
    AppJobEvents appJobEvents(JobMetrics metrics, ApplicationEventPublisher publisher) {
        return new AppJobEvents(metrics, publisher);
    }

    @Bean
    @ConditionalOnMissingBean
    JobQueue jobQueue(@Qualifier("jobsDataSource") ObjectProvider<DataSource> jobsPool, DataSource dataSource, JobsProperties properties,
                      Clock clock, AppJobEvents events) {
        // The queue's own work (claims, acks, heartbeats, maintenance) uses the job workers' pool when there is one.
        return new JobQueue(jobsPool.getIfAvailable(() -> dataSource), properties.toConfig(), clock, events);
    }

    @Bean
    JobWorkers jobWorkers(JobQueue queue, ObjectProvider<JobRegistration> registrations, AppJobEvents events, JobMetrics metrics,
                          JobsProperties properties, ObjectProvider<Tracer> tracer) {
        List<JobRegistration> all = registrations.orderedStream().toList();
        return new JobWorkers(queue, all, events, metrics, properties, tracer.getIfAvailable(() -> Tracer.NOOP));
    }
}
