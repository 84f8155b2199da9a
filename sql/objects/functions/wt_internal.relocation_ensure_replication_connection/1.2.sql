-- Start: the subscription will connect as a walsender with the source's
-- conninfo: prove that path now (pg_hba.conf, REPLICATION attribute) rather
-- than in the server log.
CREATE FUNCTION wt_internal.relocation_ensure_replication_connection(source_instance text)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    info text;
    problem text;
BEGIN
    SELECT i.conninfo INTO info FROM @extschema@.wt_instances i WHERE i.name = $1 AND NOT i.is_local;
    info := info || CASE WHEN info ~ '^postgres(ql)?://'
                         THEN CASE WHEN pg_catalog.strpos(info, '?') > 0 THEN '&' ELSE '?' END || 'replication=database'
                         ELSE ' replication=database' END;
    EXECUTE pg_catalog.format('SELECT systemid FROM %s.dblink($1, ''IDENTIFY_SYSTEM'') '
                              'AS t(systemid text, timeline integer, xlogpos text, dbname text)',
                              wt_internal.wt_dblink_schema())
      USING info;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS problem = MESSAGE_TEXT;
    RAISE EXCEPTION 'cannot open a replication connection to instance "%"', $1
        USING ERRCODE = 'insufficient_privilege',
              DETAIL = problem,
              HINT = 'The role needs REPLICATION (or superuser), and pg_hba.conf on the source must admit it to the database.';
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_ensure_replication_connection(text) IS
    'internal (relocation precondition): a replication connection to the source opens';
REVOKE ALL ON FUNCTION wt_internal.relocation_ensure_replication_connection(text) FROM PUBLIC;
