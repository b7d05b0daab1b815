-- Claims continue, per tenant, from where the previous claim stopped: a keyset range over the claim index. Without
-- it every claim walks the index entries of the jobs claimed before it, which vacuum cannot remove while another
-- transaction holds an old snapshot; claims then slow down with every job run, until the generation is truncated.
-- A keyset range needs one sort direction, so priority (higher first) is stored negated.
ALTER TABLE jobs.job ADD COLUMN claim_rank integer GENERATED ALWAYS AS (-priority::integer) STORED;
DROP INDEX jobs.job_claim;
CREATE INDEX job_claim ON jobs.job (queue, tenant, claim_rank, run_at, id) WHERE state = 'pending';
