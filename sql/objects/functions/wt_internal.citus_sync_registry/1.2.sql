-- On a Citus coordinator, the workers' registries follow this one: every
-- registry row a transaction changes is sent to every worker when the
-- transaction commits (a deferred constraint trigger, so a transaction that
-- rolls back sends nothing), as the row then stands -- or its absence -- via
-- run_command_on_workers as the DBA committing.  On the workers the rows
-- replace those of the same schema names without firing the workers'
-- provisioning (session_replication_role = replica: the schemas and shards
-- are Citus's).  A worker that cannot be reached fails the commit, so a
-- registry change never commits on the coordinator alone.  Without Citus, or
-- on a node with no workers in its metadata, it does nothing.  The rows carry
-- status and schema_version, so suspend, resume, rename, drop and migrations
-- all reach the workers.  wt_internal.citus_sync_registry_all() copies the
-- whole registry (after adding a worker, say).
CREATE FUNCTION wt_internal.citus_sync_registry()
    RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    names text[] := '{}';
    rows jsonb;
BEGIN
    IF pg_catalog.to_regproc('pg_catalog.run_command_on_workers') IS NULL THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        names := names || OLD.schema_name::text;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        names := names || NEW.schema_name::text;
    END IF;
    SELECT pg_catalog.jsonb_agg(pg_catalog.to_jsonb(t)) INTO rows
      FROM @extschema@.tenants t WHERE t.schema_name = ANY (names);
    PERFORM wt_internal.citus_send_registry_rows(names, rows);
    RETURN NULL;
END
$fn$;
COMMENT ON FUNCTION wt_internal.citus_sync_registry() IS
    'internal: deferred trigger that sends registry changes to the Citus workers at commit';
REVOKE ALL ON FUNCTION wt_internal.citus_sync_registry() FROM PUBLIC;

-- Replaces the rows of NAMES (NULL: every row) in every worker's registry by
-- ROWS (a jsonb array of registry rows; NULL for none).  Raises when a worker
-- fails.  Only a coordinator with workers sends: a worker's registry is a copy.
CREATE FUNCTION wt_internal.citus_send_registry_rows(names text[], rows jsonb)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    registry text := '@extschema@.tenants';
    command text;
    failure record;
    has_workers boolean;
BEGIN
    IF pg_catalog.to_regproc('pg_catalog.run_command_on_workers') IS NULL
       OR pg_catalog.cardinality(names) = 0 THEN
        RETURN;
    END IF;
    IF pg_catalog.to_regproc('pg_catalog.citus_is_coordinator') IS NULL THEN
        RETURN;
    END IF;
    EXECUTE 'SELECT pg_catalog.citus_is_coordinator() AND EXISTS (SELECT 1 FROM pg_catalog.pg_dist_node '
            'WHERE noderole = ''primary'' AND groupid <> 0 AND isactive)' INTO has_workers;
    IF NOT has_workers THEN
        RETURN;
    END IF;
    command := pg_catalog.format(
        'BEGIN; SET LOCAL session_replication_role = replica; '
        'DELETE FROM %1$s%2$s; '
        'INSERT INTO %1$s SELECT * FROM pg_catalog.jsonb_populate_recordset(NULL::%1$s, %3$L::jsonb); COMMIT;',
        registry,
        CASE WHEN names IS NULL THEN '' ELSE pg_catalog.format(' WHERE schema_name = ANY (%L::text[])', names) END,
        COALESCE(rows, '[]'::jsonb));
    FOR failure IN
        EXECUTE 'SELECT nodename, nodeport, result FROM pg_catalog.run_command_on_workers($1) WHERE NOT success'
        USING command
    LOOP
        RAISE EXCEPTION 'could not update the registry of Citus worker %:%', failure.nodename, failure.nodeport
            USING ERRCODE = 'connection_failure',
                  DETAIL = failure.result,
                  HINT = 'The registry change is rolled back; retry once every worker is reachable, '
                         'or run SELECT wt_internal.citus_sync_registry_all() after fixing it.';
    END LOOP;
END
$fn$;
COMMENT ON FUNCTION wt_internal.citus_send_registry_rows(text[], jsonb) IS
    'internal: replace registry rows of the given schemas on every Citus worker';
REVOKE ALL ON FUNCTION wt_internal.citus_send_registry_rows(text[], jsonb) FROM PUBLIC;

-- The whole registry to every worker (rows the coordinator no longer has are
-- removed there too): after citus_add_node, or to repair drift that
-- wt_tenant_drift() reported.
CREATE FUNCTION wt_internal.citus_sync_registry_all()
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    rows jsonb;
BEGIN
    IF pg_catalog.to_regproc('pg_catalog.run_command_on_workers') IS NULL THEN
        RAISE EXCEPTION 'Citus is not installed in this database'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Only a Citus coordinator has workers to copy the registry to.';
    END IF;
    SELECT pg_catalog.jsonb_agg(pg_catalog.to_jsonb(t)) INTO rows FROM @extschema@.tenants t;
    PERFORM wt_internal.citus_send_registry_rows(NULL, rows);
END
$fn$;
COMMENT ON FUNCTION wt_internal.citus_sync_registry_all() IS
    'copy the whole tenant registry to every Citus worker (after citus_add_node, or to repair drift)';
REVOKE ALL ON FUNCTION wt_internal.citus_sync_registry_all() FROM PUBLIC;
