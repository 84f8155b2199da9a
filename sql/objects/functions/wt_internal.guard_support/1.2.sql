-- The support function of the guarded built-ins (nextval, setval, currval,
-- the lo_* functions, sizes and pg_stat_get_* counters, pg_notify, backend
-- activity, logical decoding, set_config; src/enforcement/query_guard.cpp).
-- PostgreSQL asks it to simplify each of their calls wherever it prepares an
-- expression -- planned statements and also constraints, defaults, domain
-- checks, trigger WHEN clauses, ALTER TABLE ... USING, COPY, CALL and
-- EXECUTE -- and it wraps the call's first argument in the guard of its kind.
CREATE FUNCTION wt_internal.guard_support(internal) RETURNS internal
    LANGUAGE c STRICT AS '$libdir/wellness_tenancy_guard', 'wt_guard_support';
COMMENT ON FUNCTION wt_internal.guard_support(internal) IS
    'planner support function of the guarded built-ins: wraps their first argument in its guard';
REVOKE ALL ON FUNCTION wt_internal.guard_support(internal) FROM PUBLIC;
