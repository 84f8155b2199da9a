CREATE FUNCTION @extschema@.wt_drop_tenant(schema_name text)
    RETURNS void
    LANGUAGE c AS 'MODULE_PATHNAME', 'wt_drop_tenant';
COMMENT ON FUNCTION @extschema@.wt_drop_tenant(text) IS
    'offboard a tenant: its schema and registry row go together';
