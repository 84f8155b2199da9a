-- The first column of the first row a remote query returns, as text (NULL
-- when it returns no row).  Remote errors arrive with their SQLSTATE.
CREATE FUNCTION @extschema@.wt_remote_query(connection_name text, sql text)
    RETURNS text
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    result text;
BEGIN
    EXECUTE pg_catalog.format('SELECT v FROM %s.dblink(%L, %L) AS t(v text) LIMIT 1',
                              @extschema@.wt_dblink_schema(), connection_name, sql)
       INTO result;
    RETURN result;
END
$fn$;
