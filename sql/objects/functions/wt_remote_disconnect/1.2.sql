CREATE OR REPLACE FUNCTION wt_internal.wt_remote_disconnect(connection_name text)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    dbl  text := wt_internal.wt_dblink_schema();
    open text[];
BEGIN
    EXECUTE pg_catalog.format('SELECT %s.dblink_get_connections()', dbl) INTO open;
    IF connection_name = ANY (open) THEN
        EXECUTE pg_catalog.format('SELECT %s.dblink_disconnect(%L)', dbl, connection_name);
    END IF;
END
$fn$;
-- 1.2: moved to wt_internal (defined again here), with the comment 1.0 did not give it.
COMMENT ON FUNCTION wt_internal.wt_remote_disconnect(text) IS
    'internal (relocation): close a named dblink connection if it is open';
