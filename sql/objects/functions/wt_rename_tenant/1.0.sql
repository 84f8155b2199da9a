-- A company renames itself: the registry row changes, the schema (which the
-- application and backups know the tenant by) does not.
CREATE FUNCTION @extschema@.wt_rename_tenant(schema_name text, new_company_name text)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    tenant @extschema@.tenants;
BEGIN
    PERFORM @extschema@.wt_require_no_tenant_context('rename a tenant');
    IF new_company_name IS NULL THEN
        RAISE EXCEPTION 'company name must not be NULL' USING ERRCODE = 'null_value_not_allowed';
    ELSIF new_company_name ~ '[\x01-\x1f\x7f]' THEN
        RAISE EXCEPTION 'invalid company name' USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'A company name must not contain control characters such as newlines or tabs.';
    ELSIF pg_catalog.btrim(new_company_name, ' ') = '' THEN
        RAISE EXCEPTION 'invalid company name' USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'A company name must contain at least one visible character.';
    ELSIF pg_catalog.char_length(new_company_name) > 255 THEN
        RAISE EXCEPTION 'invalid company name' USING ERRCODE = 'string_data_right_truncation',
            DETAIL = 'A company name is at most 255 characters long.';
    END IF;
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
