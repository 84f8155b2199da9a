-- Start: nothing in the tenant's schema that logical replication cannot carry.
CREATE FUNCTION wt_internal.relocation_ensure_replicable_objects(facts jsonb, tenant_schema text, source_instance text)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    IF NULLIF($1->'unsupported', 'null') IS NOT NULL THEN
        RAISE EXCEPTION 'tenant "%" has objects logical replication cannot carry', $2
            USING ERRCODE = 'feature_not_supported',
                  DETAIL = 'On "' || $3 || '": ' || (SELECT pg_catalog.string_agg(e, ', ')
                             FROM pg_catalog.jsonb_array_elements_text($1->'unsupported') e) || '.',
                  HINT = 'Unlogged tables: ALTER TABLE ... SET LOGGED; others: move them out of the tenant schema.';
    END IF;
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_ensure_replicable_objects(jsonb, text, text) IS
    'internal (relocation precondition): no unlogged, partitioned, inherited or foreign tables, no materialized views';
REVOKE ALL ON FUNCTION wt_internal.relocation_ensure_replicable_objects(jsonb, text, text) FROM PUBLIC;
