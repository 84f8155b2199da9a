-- Start: every table of the tenant has a replica identity.
CREATE FUNCTION wt_internal.relocation_ensure_replica_identity(facts jsonb, tenant_schema text, source_instance text)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    IF NULLIF($1->'no_replica_identity', 'null') IS NOT NULL THEN
        RAISE EXCEPTION 'tables of tenant "%" have no replica identity', $2
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'On "' || $3 || '": ' || (SELECT pg_catalog.string_agg(e, ', ')
                             FROM pg_catalog.jsonb_array_elements_text($1->'no_replica_identity') e)
                           || '. Once published, their UPDATEs and DELETEs would fail on the source.',
                  HINT = 'Add a primary key, or ALTER TABLE ... REPLICA IDENTITY FULL.';
    END IF;
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_ensure_replica_identity(jsonb, text, text) IS
    'internal (relocation precondition): every table of the tenant has a replica identity';
REVOKE ALL ON FUNCTION wt_internal.relocation_ensure_replica_identity(jsonb, text, text) FROM PUBLIC;
