-- The registry row of a tenant, locked for the caller's transaction; the
-- tenant lock is provisioning's (wt_internal.lock_tenant_name, the C++
-- protocol), so lifecycle changes, creation and offboarding of one name
-- never interleave.
CREATE OR REPLACE FUNCTION @extschema@.wt_lock_tenant(schema_name text)
    RETURNS @extschema@.tenants
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    tenant @extschema@.tenants;
BEGIN
    PERFORM wt_internal.lock_tenant_name(wt_lock_tenant.schema_name);
    SELECT * INTO tenant FROM @extschema@.tenants t
     WHERE t.schema_name = wt_lock_tenant.schema_name FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION '"%" is not a registered tenant', wt_lock_tenant.schema_name
            USING ERRCODE = 'undefined_object',
                  HINT = 'Tenants are listed in the registry table "tenants".';
    END IF;
    RETURN tenant;
END
$fn$;
COMMENT ON FUNCTION @extschema@.wt_lock_tenant(text) IS
    'internal: a tenant''s registry row, locked for the transaction under the tenant lock';
REVOKE ALL ON FUNCTION @extschema@.wt_lock_tenant(text) FROM PUBLIC;
