-- Guards the planner wraps around arguments of built-in functions
-- (src/query_guard.cpp): they pass the argument through, or refuse it, or
-- turn it into NULL, by the tenant context in force when they run.
CREATE FUNCTION wt_internal.large_object_guard(oid) RETURNS oid
    LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'wt_large_object_guard';
COMMENT ON FUNCTION wt_internal.large_object_guard(oid) IS
    'refuses a large object created under another tenant';
