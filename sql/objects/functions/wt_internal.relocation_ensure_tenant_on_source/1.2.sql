-- Start: the tenant is registered on the source, lives there and has its schema.
CREATE FUNCTION wt_internal.relocation_ensure_tenant_on_source(facts jsonb, tenant_schema text, source_instance text)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    tenant jsonb := $1->'tenant';
BEGIN
    IF tenant IS NULL THEN
        RAISE EXCEPTION '"%" is not a registered tenant on instance "%"', $2, $3
            USING ERRCODE = 'undefined_object',
                  HINT = 'wt_tenant_directory() lists the tenants of every known instance.';
    END IF;
    IF tenant->>'status' = 'relocated' OR tenant->>'placement' IS NOT NULL THEN
        RAISE EXCEPTION 'tenant "%" does not live on instance "%"', $2, $3
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = pg_catalog.format('Its registry row there says status %s, placement %s.',
                                             tenant->>'status', COALESCE(tenant->>'placement', 'here')),
                  HINT = 'Relocate from the instance that holds it; wt_tenant_directory() shows where.';
    END IF;
    IF NOT ($1->>'schema_exists')::boolean THEN
        RAISE EXCEPTION 'schema of tenant "%" does not exist on instance "%"', $2, $3
            USING ERRCODE = 'invalid_schema_name';
    END IF;
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_ensure_tenant_on_source(jsonb, text, text) IS
    'internal (relocation precondition): the tenant is registered and served on the source';
REVOKE ALL ON FUNCTION wt_internal.relocation_ensure_tenant_on_source(jsonb, text, text) FROM PUBLIC;
