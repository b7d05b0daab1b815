-- The jobs schema belongs to the headroom-jobs library; applications reach it only through its API.
COMMENT ON SCHEMA jobs IS 'Owned by headroom-jobs';
