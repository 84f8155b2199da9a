CREATE FUNCTION @extschema@.wt_remote_disconnect(connection_name text)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    dbl  text := @extschema@.wt_dblink_schema();
    open text[];
BEGIN
    EXECUTE pg_catalog.format('SELECT %s.dblink_get_connections()', dbl) INTO open;
    IF connection_name = ANY (open) THEN
        EXECUTE pg_catalog.format('SELECT %s.dblink_disconnect(%L)', dbl, connection_name);
    END IF;
END
$fn$;
