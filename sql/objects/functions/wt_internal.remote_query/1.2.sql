-- The first column of the first row a remote statement returns, as text
-- (NULL when it returns no row), the statement's $n bound to params.  Remote
-- errors arrive with their SQLSTATE.
CREATE FUNCTION wt_internal.remote_query(connection_name text, statement text, params text[] DEFAULT '{}')
    RETURNS text
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    result text;
BEGIN
    EXECUTE pg_catalog.format('SELECT v FROM %s.dblink($1, $2) AS t(v text) LIMIT 1', wt_internal.wt_dblink_schema())
       INTO result
      USING $1, wt_internal.bind_sql($2, $3);
    RETURN result;
END
$fn$;
COMMENT ON FUNCTION wt_internal.remote_query(text, text, text[]) IS
    'internal (relocation): first value a remote statement returns, its $n bound to the parameters';
REVOKE ALL ON FUNCTION wt_internal.remote_query(text, text, text[]) FROM PUBLIC;
