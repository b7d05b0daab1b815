-- The reporting schema belongs to the module io.headroom.app.reporting; no other module reads or writes it.
COMMENT ON SCHEMA reporting IS 'Owned by io.headroom.app.reporting';
