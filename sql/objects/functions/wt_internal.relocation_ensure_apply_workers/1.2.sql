-- Start, on the target: logical replication workers can run here.
CREATE FUNCTION wt_internal.relocation_ensure_apply_workers()
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    IF pg_catalog.current_setting('max_logical_replication_workers')::integer < 1 THEN
        RAISE EXCEPTION 'this instance cannot run logical replication workers'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'max_logical_replication_workers is 0.',
                  HINT = 'Set max_logical_replication_workers (and max_worker_processes) above 0 and restart.';
    END IF;
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_ensure_apply_workers() IS
    'internal (relocation precondition): this instance can run logical replication workers';
REVOKE ALL ON FUNCTION wt_internal.relocation_ensure_apply_workers() FROM PUBLIC;
