-- Citus-specific drift, a part of wt_tenant_drift(); no rows without Citus
-- or on a node that is not a coordinator with workers:
--   'local table in distributed schema'  a table of a tenant's distributed
--        schema that Citus does not know (created where Citus does not
--        convert it), so it lives on the coordinator only;
--   'registry differs on worker'  a worker's registry has no row, another
--        status or another schema version for the tenant (repair with
--        SELECT wt_internal.citus_sync_registry_all()).
CREATE FUNCTION wt_internal.citus_tenant_drift()
    RETURNS TABLE (schema_name text, problem text, detail text)
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    registry text := '@extschema@.tenants';
    row_text constant text := 't.schema_name || ''|'' || t.status || ''|'' || COALESCE(t.schema_version::text, '''')';
    is_coordinator boolean;
    worker record;
BEGIN
    IF pg_catalog.to_regproc('pg_catalog.citus_is_coordinator') IS NULL THEN
        RETURN;
    END IF;
    EXECUTE 'SELECT pg_catalog.citus_is_coordinator()' INTO is_coordinator;
    IF NOT is_coordinator THEN
        RETURN;
    END IF;
    RETURN QUERY EXECUTE pg_catalog.format($q$
        SELECT t.schema_name::text, 'local table in distributed schema',
               pg_catalog.format('table %%I.%%I is not a Citus table: it lives on the coordinator only', n.nspname, c.relname)
          FROM %s t
          JOIN pg_catalog.pg_namespace n ON n.nspname = t.schema_name
          JOIN pg_catalog.pg_dist_schema s ON s.schemaid = n.oid
          JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relkind IN ('r', 'p')
         WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_partition p WHERE p.logicalrelid = c.oid)$q$, registry);
    FOR worker IN
        EXECUTE pg_catalog.format(
            'SELECT nodename, nodeport, success, result FROM pg_catalog.run_command_on_workers(%L)',
            pg_catalog.format('SELECT COALESCE(pg_catalog.string_agg(%s, %L), %L) FROM %s t', row_text, ',', '', registry))
    LOOP
        IF NOT worker.success THEN
            RETURN QUERY SELECT NULL::text, 'registry differs on worker',
                                pg_catalog.format('worker %s:%s could not be read: %s', worker.nodename, worker.nodeport, worker.result);
            CONTINUE;
        END IF;
        RETURN QUERY EXECUTE pg_catalog.format($q$
            WITH here AS (SELECT t.schema_name::text AS schema_name, %s AS row FROM %s t),
                 there AS (SELECT pg_catalog.split_part(r, '|', 1) AS schema_name, r AS row
                             FROM pg_catalog.unnest(pg_catalog.string_to_array(%L, ',')) r)
            SELECT COALESCE(h.schema_name, w.schema_name), 'registry differs on worker',
                   pg_catalog.format('worker %%s:%%s has %%s, the coordinator %%s', %L, %s,
                                     COALESCE(w.row, 'no row'), COALESCE(h.row, 'no row'))
              FROM here h FULL JOIN there w ON w.schema_name = h.schema_name
             WHERE h.row IS DISTINCT FROM w.row$q$,
            row_text, registry, worker.result, worker.nodename, worker.nodeport);
    END LOOP;
END
$fn$;
COMMENT ON FUNCTION wt_internal.citus_tenant_drift() IS
    'internal: Citus-specific drift (local tables in distributed tenant schemas, workers'' registries), part of wt_tenant_drift()';
REVOKE ALL ON FUNCTION wt_internal.citus_tenant_drift() FROM PUBLIC;
