-- A company renames itself: the registry row changes, the schema (which the
-- application and backups know the tenant by) does not.  The new name passes
-- the same rule as wt_create_tenant()'s (1.0 had a copy of it here that let
-- names made of no-break spaces, or holding U+0085, through).
CREATE OR REPLACE FUNCTION @extschema@.wt_rename_tenant(schema_name text, new_company_name text)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    tenant @extschema@.tenants;
BEGIN
    PERFORM @extschema@.wt_require_no_tenant_context('rename a tenant');
    PERFORM wt_internal.validate_company_name(new_company_name);
    tenant := @extschema@.wt_lock_tenant(wt_rename_tenant.schema_name);
    IF tenant.company_name = new_company_name THEN
        RETURN;
    END IF;
    UPDATE @extschema@.tenants t SET company_name = new_company_name, updated_at = pg_catalog.now()
     WHERE t.schema_name = tenant.schema_name;
    RAISE NOTICE 'tenant "%": company name changed from "%" to "%"', tenant.schema_name, tenant.company_name, new_company_name;
END
$fn$;
COMMENT ON FUNCTION @extschema@.wt_rename_tenant(text, text) IS
    'rename a tenant''s company; its schema name stays';
REVOKE ALL ON FUNCTION @extschema@.wt_rename_tenant(text, text) FROM PUBLIC;
