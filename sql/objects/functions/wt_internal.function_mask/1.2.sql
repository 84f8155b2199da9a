-- The guard of the per-function statistics (pg_stat_get_function_calls and
-- the other pg_stat_get_[xact_]function_* functions behind
-- pg_stat_user_functions; src/enforcement/query_guard.cpp): NULL for a
-- function in another tenant's schema, so its call counts and times read as
-- NULL in tenant context.
CREATE FUNCTION wt_internal.function_mask(oid) RETURNS oid
    LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'wt_function_mask';
COMMENT ON FUNCTION wt_internal.function_mask(oid) IS
    'NULL for a function the tenant context may not reach (pg_stat_user_functions)';
