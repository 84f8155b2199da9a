CREATE FUNCTION @extschema@.wt_current_tenant()
    RETURNS text
    LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'wt_current_tenant';
COMMENT ON FUNCTION @extschema@.wt_current_tenant() IS
    'the tenant in force (wellness_tenancy.tenant), or NULL';
