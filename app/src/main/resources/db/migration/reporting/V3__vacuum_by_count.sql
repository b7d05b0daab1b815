-- Vacuum after a fixed number of dead rows, not the default 20% of a table that grows without end; room on each page
-- for the status update (see orders' V3 for the reasoning).
ALTER TABLE reporting.report SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000, fillfactor = 90);
