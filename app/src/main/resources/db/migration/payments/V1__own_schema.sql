-- The payments schema belongs to the module io.headroom.app.payments; no other module reads or writes it.
COMMENT ON SCHEMA payments IS 'Owned by io.headroom.app.payments';
