CREATE FUNCTION @extschema@.wt_set_tenant(schema_name text, is_local boolean DEFAULT false)
    RETURNS text
    LANGUAGE c AS 'MODULE_PATHNAME', 'wt_set_tenant';
COMMENT ON FUNCTION @extschema@.wt_set_tenant(text, boolean) IS
    'set wellness_tenancy.tenant and a matching search_path (tenant schema, then public)';
