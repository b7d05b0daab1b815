-- Tables that grow without end and whose rows are updated after insert: vacuum them after a fixed number of dead
-- rows, not PostgreSQL's default share (20% of the table plus 50), so their dead tuples stay bounded as the data
-- grows instead of growing with it (200,000 dead rows before a vacuum at a million orders). Fillfactor 90 leaves room
-- on each page for the status update, so it can be a HOT update that page pruning cleans without vacuum.
ALTER TABLE orders.orders SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000, fillfactor = 90);
ALTER TABLE orders.idempotency_key SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000, fillfactor = 90);
