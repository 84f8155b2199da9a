-- One query on a connection opened and closed for it (status, directory).
CREATE FUNCTION @extschema@.wt_remote_query_once(conninfo text, sql text)
    RETURNS text
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    result text;
BEGIN
    EXECUTE pg_catalog.format('SELECT v FROM %s.dblink(%L, %L) AS t(v text) LIMIT 1',
                              @extschema@.wt_dblink_schema(), conninfo, sql)
       INTO result;
    RETURN result;
END
$fn$;
