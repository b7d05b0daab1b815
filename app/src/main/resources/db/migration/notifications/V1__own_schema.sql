-- The notifications schema belongs to the module io.headroom.app.notifications; no other module reads or writes it.
COMMENT ON SCHEMA notifications IS 'Owned by io.headroom.app.notifications';
