-- Guards the planner wraps around arguments of built-in functions
-- (src/query_guard.cpp): they pass the argument through, or refuse it, or
-- turn it into NULL, by the tenant context in force when they run.
CREATE FUNCTION wt_internal.tenant_context_visible() RETURNS boolean
    LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'wt_tenant_context_visible';
COMMENT ON FUNCTION wt_internal.tenant_context_visible() IS
    'refuses pg_cursors and pg_prepared_statements in tenant context';
