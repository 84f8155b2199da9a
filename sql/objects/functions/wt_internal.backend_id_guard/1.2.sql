-- Guards the planner wraps around arguments of built-in functions
-- (src/query_guard.cpp): they pass the argument through, or refuse it, or
-- turn it into NULL, by the tenant context in force when they run.
CREATE FUNCTION wt_internal.backend_id_guard(integer) RETURNS integer
    LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'wt_backend_id_guard';
COMMENT ON FUNCTION wt_internal.backend_id_guard(integer) IS
    'in tenant context, another backend''s statement text is NULL';
