-- One query on a connection opened and closed for it (status, directory).
CREATE OR REPLACE FUNCTION wt_internal.wt_remote_query_once(conninfo text, sql text)
    RETURNS text
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    result text;
BEGIN
    EXECUTE pg_catalog.format('SELECT v FROM %s.dblink(%L, %L) AS t(v text) LIMIT 1',
                              wt_internal.wt_dblink_schema(), conninfo, sql)
       INTO result;
    RETURN result;
END
$fn$;
-- 1.2: moved to wt_internal (defined again here), with the comment 1.0 did not give it.
COMMENT ON FUNCTION wt_internal.wt_remote_query_once(text, text) IS
    'internal (relocation): one remote query on a connection opened and closed for it';
