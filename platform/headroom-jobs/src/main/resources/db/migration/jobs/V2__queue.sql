-- The durable job queue. See platform/headroom-jobs/README.md for states, transitions and guarantees.

-- Which generation (partition) new jobs go to. Rotation moves it on and truncates the oldest generation,
-- so the dead tuples that every claim and completion leave behind are dropped with the partition even while
-- another transaction's old snapshot keeps vacuum from removing them.
CREATE TABLE jobs.rotation (
    singleton          boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    current_generation smallint NOT NULL CHECK (current_generation BETWEEN 0 AND 2),
    rotated_at         timestamptz NOT NULL
);
INSERT INTO jobs.rotation (current_generation, rotated_at) VALUES (0, now());

CREATE SEQUENCE jobs.job_id_seq;

-- Unfinished jobs only: pending (waiting for run_at) or running (leased). Finished jobs leave the table:
-- completed ones are deleted, dead ones move to jobs.dead_job.
CREATE TABLE jobs.job (
    id               bigint      NOT NULL DEFAULT nextval('jobs.job_id_seq'),
    generation       smallint    NOT NULL,
    queue            text        NOT NULL,
    tenant           text        NOT NULL,
    kind             text        NOT NULL,
    payload          jsonb       NOT NULL,
    dedup_key        text,
    priority         smallint    NOT NULL,
    state            text        NOT NULL CHECK (state IN ('pending', 'running')),
    run_at           timestamptz NOT NULL,
    attempts         integer     NOT NULL CHECK (attempts >= 0),
    max_attempts     integer     NOT NULL CHECK (max_attempts >= 1),
    lease_owner      text,
    lease_expires_at timestamptz,
    trace_parent     text,
    enqueued_at      timestamptz NOT NULL,
    errors           jsonb       NOT NULL DEFAULT '[]',
    CHECK (attempts <= max_attempts),
    CHECK ((state = 'running') = (lease_owner IS NOT NULL AND lease_expires_at IS NOT NULL))
) PARTITION BY LIST (generation);

-- Vacuum each generation early and often: a queue's rows are short-lived, so the default 20% scale factor
-- would let dead tuples pile up to a fifth of the table before anything is cleaned.
CREATE TABLE jobs.job_g0 PARTITION OF jobs.job FOR VALUES IN (0)
    WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 2000, autovacuum_vacuum_cost_delay = 0,
          autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 2000, fillfactor = 90);
CREATE TABLE jobs.job_g1 PARTITION OF jobs.job FOR VALUES IN (1)
    WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 2000, autovacuum_vacuum_cost_delay = 0,
          autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 2000, fillfactor = 90);
CREATE TABLE jobs.job_g2 PARTITION OF jobs.job FOR VALUES IN (2)
    WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 2000, autovacuum_vacuum_cost_delay = 0,
          autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 2000, fillfactor = 90);

-- Claiming: distinct ready tenants (skip scan) and each tenant's next jobs, in priority order.
CREATE INDEX job_claim ON jobs.job (queue, tenant, priority DESC, run_at, id) WHERE state = 'pending';
-- Completion, heartbeat, replay and inspection by id.
CREATE INDEX job_id ON jobs.job (id);
-- Finding expired leases.
CREATE INDEX job_lease ON jobs.job (lease_expires_at) WHERE state = 'running';

-- Dedup keys of unfinished jobs. A unique index on a partitioned table must include the partition key,
-- which would make keys unique per generation only; this table makes them unique per queue.
CREATE TABLE jobs.dedup (
    queue     text   NOT NULL,
    dedup_key text   NOT NULL,
    job_id    bigint NOT NULL,
    PRIMARY KEY (queue, dedup_key)
);
CREATE INDEX dedup_job ON jobs.dedup (job_id);

-- Dead letters: jobs that used up their attempts or failed permanently, with their attempt history.
CREATE TABLE jobs.dead_job (
    id           bigint      PRIMARY KEY,
    queue        text        NOT NULL,
    tenant       text        NOT NULL,
    kind         text        NOT NULL,
    payload      jsonb       NOT NULL,
    dedup_key    text,
    priority     smallint    NOT NULL,
    attempts     integer     NOT NULL,
    max_attempts integer     NOT NULL,
    trace_parent text,
    enqueued_at  timestamptz NOT NULL,
    died_at      timestamptz NOT NULL,
    last_error   text        NOT NULL,
    errors       jsonb       NOT NULL
);
-- Listing and purging dead letters by queue and age.
CREATE INDEX dead_job_queue_died ON jobs.dead_job (queue, died_at);
CREATE INDEX dead_job_died ON jobs.dead_job (died_at);

-- Effects already applied, per handler and job key, written in the same transaction as the effects so that
-- a redelivered job does not apply them twice.
CREATE TABLE jobs.handled (
    handler    text        NOT NULL,
    job_key    text        NOT NULL,
    handled_at timestamptz NOT NULL,
    PRIMARY KEY (handler, job_key)
);
CREATE INDEX handled_at ON jobs.handled (handled_at);
