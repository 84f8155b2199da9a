-- Guards the planner wraps around arguments of built-in functions
-- (src/query_guard.cpp): they pass the argument through, or refuse it, or
-- turn it into NULL, by the tenant context in force when they run.
CREATE FUNCTION wt_internal.tenant_channel(text) RETURNS text
    LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'wt_tenant_channel';
COMMENT ON FUNCTION wt_internal.tenant_channel(text) IS
    'the channel of pg_notify() scoped to the tenant in force, as NOTIFY''s is';
