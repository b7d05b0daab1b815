-- The tenants schema belongs to the module io.headroom.app.tenants; no other module reads or writes it.
COMMENT ON SCHEMA tenants IS 'Owned by io.headroom.app.tenants';
