-- Guards the planner wraps around arguments of built-in functions
-- (src/query_guard.cpp): they pass the argument through, or refuse it, or
-- turn it into NULL, by the tenant context in force when they run.
CREATE FUNCTION wt_internal.statistic_visible(oid, boolean) RETURNS boolean
    LANGUAGE c STABLE PARALLEL SAFE STRICT AS 'MODULE_PATHNAME', 'wt_statistic_visible';
COMMENT ON FUNCTION wt_internal.statistic_visible(oid, boolean) IS
    'security qual of pg_statistic: statistics of relations the tenant context may not reach are hidden';
