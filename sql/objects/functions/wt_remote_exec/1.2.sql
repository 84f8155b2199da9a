CREATE OR REPLACE FUNCTION wt_internal.wt_remote_exec(connection_name text, sql text)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    EXECUTE pg_catalog.format('SELECT %s.dblink_exec(%L, %L)',
                              wt_internal.wt_dblink_schema(), connection_name, sql);
END
$fn$;
-- 1.2: moved to wt_internal (defined again here), with the comment 1.0 did not give it.
COMMENT ON FUNCTION wt_internal.wt_remote_exec(text, text) IS
    'internal (relocation): run a statement on a named dblink connection';
