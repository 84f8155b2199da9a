CREATE FUNCTION @extschema@.wt_create_tenant(company_name text, schema_name text DEFAULT NULL)
    RETURNS uuid
    LANGUAGE c AS 'MODULE_PATHNAME', 'wt_create_tenant';
COMMENT ON FUNCTION @extschema@.wt_create_tenant(text, text) IS
    'provision a tenant atomically: registry row, schema, template tables, grants';
