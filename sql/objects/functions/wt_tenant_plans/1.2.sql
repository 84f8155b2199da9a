-- This backend's per-tenant plans of SQL prepared statements
-- (wellness_tenancy.tenant_plans): which statement, which tenant, how often
-- each kind of plan was made, and whether PostgreSQL has invalidated it since.
CREATE FUNCTION @extschema@.wt_tenant_plans(
    OUT statement text, OUT tenant text, OUT generic_plans bigint, OUT custom_plans bigint, OUT valid boolean)
    RETURNS SETOF record
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'wt_tenant_plans';
COMMENT ON FUNCTION @extschema@.wt_tenant_plans() IS
    'this session''s per-tenant plans of SQL prepared statements, most recently used first (a tenant session sees its own)';
