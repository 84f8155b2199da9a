-- Guards the planner wraps around arguments of built-in functions
-- (src/query_guard.cpp): they pass the argument through, or refuse it, or
-- turn it into NULL, by the tenant context in force when they run.
CREATE FUNCTION wt_internal.relation_mask(oid) RETURNS oid
    LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'wt_relation_mask';
COMMENT ON FUNCTION wt_internal.relation_mask(oid) IS
    'NULL for a relation the tenant context may not reach (sizes, counters, sequence values)';
