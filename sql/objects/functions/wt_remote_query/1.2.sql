-- The first column of the first row a remote query returns, as text (NULL
-- when it returns no row).  Remote errors arrive with their SQLSTATE.
CREATE OR REPLACE FUNCTION wt_internal.wt_remote_query(connection_name text, sql text)
    RETURNS text
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    result text;
BEGIN
    EXECUTE pg_catalog.format('SELECT v FROM %s.dblink(%L, %L) AS t(v text) LIMIT 1',
                              wt_internal.wt_dblink_schema(), connection_name, sql)
       INTO result;
    RETURN result;
END
$fn$;
-- 1.2: moved to wt_internal (defined again here), with the comment 1.0 did not give it.
COMMENT ON FUNCTION wt_internal.wt_remote_query(text, text) IS
    'internal (relocation): the first column of the first row of a remote query, as text';
