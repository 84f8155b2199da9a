-- Is the run still being executed by its backend?  The procedure's CALL is
-- the backend's active statement for as long as the run lasts; a backend that
-- is gone (crash, kill), idle (cancel) or running a later statement has left it.
CREATE OR REPLACE FUNCTION wt_internal.wt_migration_run_alive(backend_pid integer, backend_start timestamptz, started_at timestamptz)
    RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_stat_activity a
                    WHERE a.pid = $1 AND a.backend_start = $2
                      AND a.state = 'active' AND a.query_start <= $3)
$fn$;
-- 1.2: moved to wt_internal (defined again here), with the comment 1.0 did not give it.
COMMENT ON FUNCTION wt_internal.wt_migration_run_alive(integer, timestamp with time zone, timestamp with time zone) IS
    'internal (wt_migration_progress): is a migration run still executed by its backend';
