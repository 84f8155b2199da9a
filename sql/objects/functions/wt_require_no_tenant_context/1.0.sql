CREATE FUNCTION @extschema@.wt_require_no_tenant_context(operation text)
    RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    tenant text := pg_catalog.current_setting('wellness_tenancy.tenant', true);
BEGIN
    IF coalesce(tenant, '') <> '' THEN
        RAISE EXCEPTION 'cannot % while tenant "%" is set', operation, tenant
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'Tenant administration reaches into other tenants'' schemas.',
                  HINT = 'RESET wellness_tenancy.tenant first.';
    END IF;
    IF pg_catalog.current_setting('wellness_tenancy.require_tenant', true) = 'on' THEN
        RAISE EXCEPTION 'cannot % while wellness_tenancy.require_tenant is on', operation
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'Tenant administration reaches into every tenant''s schema.',
                  HINT = 'Run it as a DBA role without require_tenant.';
    END IF;
END
$fn$;
