-- --- Lifecycle: suspend, resume, rename ---
-- Suspension is a registry status, enforced by the isolation hooks in every
-- backend from its next statement on: the tenant cannot be set, and a session
-- that has it set is told "tenant ... is suspended".  Grants stay as they are,
-- so that this message (not "permission denied" or "relation does not exist")
-- is what the application sees; a session with no tenant set reaches it only
-- where it reaches every tenant, i.e. without require_tenant.
CREATE FUNCTION @extschema@.wt_suspend_tenant(schema_name text)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    tenant @extschema@.tenants;
BEGIN
    PERFORM @extschema@.wt_require_no_tenant_context('suspend a tenant');
    tenant := @extschema@.wt_lock_tenant(wt_suspend_tenant.schema_name);
    IF tenant.status = 'suspended' THEN
        RAISE NOTICE 'tenant "%" is already suspended', tenant.schema_name;
        RETURN;
    ELSIF tenant.status = 'relocated' THEN
        RAISE EXCEPTION 'tenant "%" has moved to instance "%"', tenant.schema_name, coalesce(tenant.placement, '(unknown)')
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Suspend it on the instance that holds it.';
    END IF;
    UPDATE @extschema@.tenants t SET status = 'suspended', updated_at = pg_catalog.now()
     WHERE t.schema_name = tenant.schema_name;
    RAISE NOTICE 'tenant "%" suspended: it cannot be set as the tenant, and sessions working for it are refused', tenant.schema_name;
END
$fn$;
COMMENT ON FUNCTION @extschema@.wt_suspend_tenant(text) IS
    'suspend a tenant: it cannot be set as the tenant and its data is not served';
