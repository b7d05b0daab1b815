-- The orders schema belongs to the module io.headroom.app.orders; no other module reads or writes it.
COMMENT ON SCHEMA orders IS 'Owned by io.headroom.app.orders';
