-- Start, phase "prepare the target schema": the tenant registered here with
-- the source's id, name and creation time, provisioned at the same version,
-- held as suspended with placement = the source (the app cannot reach it
-- until cut-over, the replication workers can); the DBA's extra objects
-- re-created; both schemas then identical, or it stops here.
CREATE FUNCTION wt_internal.relocation_prepare_target(connection_name text, remote_schema text, tenant_schema text,
                                                      source_instance text, tenant jsonb, schema_version integer)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    differences text;
BEGIN
    RAISE NOTICE 'relocation of tenant "%": provisioning it here at schema version %', $3, $6;
    INSERT INTO @extschema@.tenants (id, company_name, schema_name, created_at, status, placement)
    VALUES (($5->>'id')::uuid, $5->>'company_name', $3, ($5->>'created_at')::timestamptz, 'suspended', $4);
    -- as wt_suspend_tenant() does: not served, even without tenant context
    EXECUTE pg_catalog.format('REVOKE USAGE ON SCHEMA %I FROM %I', $3,
                              pg_catalog.current_setting('wellness_tenancy.app_role'));
    PERFORM wt_internal.relocation_copy_extra_objects($1, $2, $3);
    differences := wt_internal.relocation_structure_differences($1, $2, $3);
    IF differences IS NOT NULL THEN
        RAISE EXCEPTION 'tenant "%" on instance "%" differs from its template', $3, $4
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = differences || '.',
                  HINT = 'Objects of the template changed by hand on one tenant cannot be replicated safely: '
                         || 'make the change a tenant migration on both instances, or undo it; wt_tenant_drift() lists such drift.';
    END IF;
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_prepare_target(text, text, text, text, jsonb, integer) IS
    'internal (relocation start): provision the tenant here, suspended, identical to the source''s';
REVOKE ALL ON FUNCTION wt_internal.relocation_prepare_target(text, text, text, text, jsonb, integer) FROM PUBLIC;
