-- What set_config('wellness_tenancy.tenant', value, is_local) becomes at
-- planning (src/query_guard.cpp): the same setting, and search_path then
-- follows the tenant as after SET (unless it already names the tenant's
-- schema).  Called by whoever calls set_config: executable by PUBLIC.
CREATE FUNCTION wt_internal.set_tenant_config(value text, is_local boolean)
    RETURNS text
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'wt_set_tenant_config';
COMMENT ON FUNCTION wt_internal.set_tenant_config(text, boolean) IS
    'internal: set_config of wellness_tenancy.tenant, with search_path following the tenant';
