-- Opens a named dblink connection to a known instance.  Returns the remote
-- wellness_tenancy schema, quoted, or NULL when the extension is missing there.
CREATE OR REPLACE FUNCTION wt_internal.wt_remote_connect(connection_name text, instance_name text)
    RETURNS text
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    dbl  text := wt_internal.wt_dblink_schema();
    info text;
    remote_schema text;
    problem text;
BEGIN
    SELECT i.conninfo INTO info FROM @extschema@.wt_instances i
     WHERE i.name = instance_name AND NOT i.is_local;
    IF NOT FOUND THEN
        IF EXISTS (SELECT 1 FROM @extschema@.wt_instances i WHERE i.name = instance_name) THEN
            RAISE EXCEPTION 'instance "%" is this instance', instance_name
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'Name the other instance, as listed in wt_instances.';
        END IF;
        RAISE EXCEPTION 'instance "%" is not known', instance_name
            USING ERRCODE = 'undefined_object',
                  HINT = 'Register it: INSERT INTO wt_instances (name, conninfo) VALUES ('''
                         || instance_name || ''', ''host=... port=5432 dbname=... user=postgres'');';
    END IF;
    PERFORM wt_internal.wt_remote_disconnect(connection_name);
    BEGIN
        EXECUTE pg_catalog.format('SELECT %s.dblink_connect(%L, %L)', dbl, connection_name, info);
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS problem = MESSAGE_TEXT;
        RAISE EXCEPTION 'cannot connect to instance "%"', instance_name
            USING ERRCODE = 'sqlclient_unable_to_establish_sqlconnection',
                  DETAIL = problem,
                  HINT = 'Check wt_instances.conninfo of "' || instance_name
                         || '", that the server runs and that its pg_hba.conf admits this host.';
    END;
    EXECUTE pg_catalog.format('SELECT %s.dblink_exec(%L, %L)', dbl, connection_name,
        'SET application_name = ''wellness_tenancy relocation''; SET search_path = pg_catalog, pg_temp');
    EXECUTE pg_catalog.format(
        'SELECT v FROM %s.dblink(%L, %L) AS t(v text)', dbl, connection_name,
        'SELECT pg_catalog.quote_ident(n.nspname) FROM pg_catalog.pg_extension e '
        'JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = ''wellness_tenancy''')
        INTO remote_schema;
    RETURN remote_schema;
END
$fn$;
-- 1.2: moved to wt_internal (defined again here), with the comment 1.0 did not give it.
COMMENT ON FUNCTION wt_internal.wt_remote_connect(text, text) IS
    'internal (relocation): open a named dblink connection to a known instance';
