-- The registry row of a tenant, locked for the caller's transaction; the
-- advisory lock is provisioning's, so lifecycle changes, creation and
-- offboarding of one name never interleave.
CREATE FUNCTION @extschema@.wt_lock_tenant(schema_name text)
    RETURNS @extschema@.tenants
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    tenant @extschema@.tenants;
BEGIN
    IF wt_lock_tenant.schema_name IS NULL THEN
        RAISE EXCEPTION 'tenant schema name must not be NULL' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('wellness_tenancy'),
                                             pg_catalog.hashtext(wt_lock_tenant.schema_name));
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
