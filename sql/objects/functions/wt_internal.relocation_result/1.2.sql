-- The row wt_relocation_cutover() returns, from this instance's record.
CREATE FUNCTION wt_internal.relocation_result(relocation uuid, unavailable interval)
    RETURNS TABLE(tenant text, source text, target text, caught_up_lsn pg_lsn,
                  tables_verified integer, rows_verified bigint, sequences_carried integer,
                  lock_wait interval, catch_up interval, verification interval,
                  write_blocked interval, unavailable interval)
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
AS $fn$
SELECT r.schema_name::text, r.source_instance, r.target_instance, r.caught_up_lsn,
       (SELECT pg_catalog.count(*)::integer FROM pg_catalog.jsonb_object_keys(COALESCE(r.tables, '{}'))),
       (SELECT pg_catalog.sum((e.v->>'target_rows')::bigint)::bigint FROM pg_catalog.jsonb_each(COALESCE(r.tables, '{}')) AS e(k, v)),
       COALESCE(pg_catalog.jsonb_array_length(r.sequences), 0),
       r.lock_wait, r.catch_up, r.verification, r.write_blocked, $2
  FROM @extschema@.tenant_relocations r WHERE r.id = $1
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_result(uuid, interval) IS
    'internal (relocation cut-over): the figures of a completed cut-over, as wt_relocation_cutover() returns them';
REVOKE ALL ON FUNCTION wt_internal.relocation_result(uuid, interval) FROM PUBLIC;
