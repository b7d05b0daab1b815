-- The catalog schema belongs to the module io.headroom.app.catalog; no other module reads or writes it.
COMMENT ON SCHEMA catalog IS 'Owned by io.headroom.app.catalog';
