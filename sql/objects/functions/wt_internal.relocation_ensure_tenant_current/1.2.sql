-- Start: the tenant is at the template's latest version on the source.
CREATE FUNCTION wt_internal.relocation_ensure_tenant_current(facts jsonb, tenant_schema text, source_instance text,
                                                             latest integer)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    IF ($1->'tenant'->>'schema_version')::integer IS DISTINCT FROM $4 THEN
        RAISE EXCEPTION 'tenant "%" is at schema version %, the template at version %', $2,
                COALESCE($1->'tenant'->>'schema_version', 'NULL'), $4
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'The target provisions the tenant at the latest version; both copies must match.',
                  HINT = 'Apply the pending migrations to the tenant on "' || $3 || '" first.';
    END IF;
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_ensure_tenant_current(jsonb, text, text, integer) IS
    'internal (relocation precondition): the tenant is at the latest tenant migration';
REVOKE ALL ON FUNCTION wt_internal.relocation_ensure_tenant_current(jsonb, text, text, integer) FROM PUBLIC;
