-- 1.2: the "has moved" error is wt_internal.report_relocated_tenant (C++).
CREATE OR REPLACE FUNCTION @extschema@.wt_resume_tenant(schema_name text)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    tenant @extschema@.tenants;
    app_role text := pg_catalog.current_setting('wellness_tenancy.app_role');
    latest integer;
BEGIN
    PERFORM @extschema@.wt_require_no_tenant_context('resume a tenant');
    tenant := @extschema@.wt_lock_tenant(wt_resume_tenant.schema_name);
    IF tenant.status = 'active' THEN
        RAISE NOTICE 'tenant "%" is already active', tenant.schema_name;
        RETURN;
    ELSIF tenant.status = 'relocated' THEN
        PERFORM wt_internal.report_relocated_tenant(tenant.schema_name, tenant.placement,
                                                    'A relocated tenant is served by the instance that holds it.');
    END IF;
    IF pg_catalog.to_regnamespace(pg_catalog.quote_ident(tenant.schema_name)) IS NULL THEN
        RAISE EXCEPTION 'schema of tenant "%" does not exist', tenant.schema_name
            USING ERRCODE = 'invalid_schema_name',
                  HINT = 'wt_tenant_drift() reports differences between the registry and the catalog.';
    END IF;
    IF pg_catalog.to_regrole(pg_catalog.quote_ident(app_role)) IS NULL THEN
        RAISE EXCEPTION 'app role "%" does not exist', app_role
            USING ERRCODE = 'undefined_object',
                  DETAIL = 'Tenant schemas are granted to the role named by wellness_tenancy.app_role.';
    END IF;
    UPDATE @extschema@.tenants t SET status = 'active', updated_at = pg_catalog.now()
     WHERE t.schema_name = tenant.schema_name;
    -- Served again: also where USAGE was taken away while it was held (a
    -- relocation holds its incoming tenant suspended without USAGE).
    EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA %I TO %I', tenant.schema_name, app_role);
    SELECT pg_catalog.max(m.version) INTO latest FROM @extschema@.tenant_migrations m;
    IF coalesce(tenant.schema_version, 0) < latest THEN
        RAISE NOTICE 'tenant "%" resumed; it is at version % of %', tenant.schema_name, tenant.schema_version, latest
            USING HINT = pg_catalog.format('SELECT wt_migrate_tenant(%L) or CALL wt_run_migrations() brings it up to date.', tenant.schema_name);
    ELSE
        RAISE NOTICE 'tenant "%" resumed', tenant.schema_name;
    END IF;
END
$fn$;
COMMENT ON FUNCTION @extschema@.wt_resume_tenant(text) IS
    'resume a suspended tenant: it is served again';
REVOKE ALL ON FUNCTION @extschema@.wt_resume_tenant(text) FROM PUBLIC;
