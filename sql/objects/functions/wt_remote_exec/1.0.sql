CREATE FUNCTION @extschema@.wt_remote_exec(connection_name text, sql text)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    EXECUTE pg_catalog.format('SELECT %s.dblink_exec(%L, %L)',
                              @extschema@.wt_dblink_schema(), connection_name, sql);
END
$fn$;
