-- Runs a remote command (or several, ;-separated), its $n bound to params.
CREATE FUNCTION wt_internal.remote_exec(connection_name text, statement text, params text[] DEFAULT '{}')
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    EXECUTE pg_catalog.format('SELECT %s.dblink_exec($1, $2)', wt_internal.wt_dblink_schema())
      USING $1, wt_internal.bind_sql($2, $3);
END
$fn$;
COMMENT ON FUNCTION wt_internal.remote_exec(text, text, text[]) IS
    'internal (relocation): run a remote command, its $n bound to the parameters';
REVOKE ALL ON FUNCTION wt_internal.remote_exec(text, text, text[]) FROM PUBLIC;
