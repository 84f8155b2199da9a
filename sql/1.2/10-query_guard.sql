
-- Internal helpers live in wt_internal, which is not on anyone's path.  The
-- application role may call the guards below (the planner puts them into
-- its queries); nothing else in wt_internal is granted to it.
CREATE SCHEMA IF NOT EXISTS wt_internal;
COMMENT ON SCHEMA wt_internal IS 'wellness_tenancy internals: not an API, not on search paths';
GRANT USAGE ON SCHEMA wt_internal TO PUBLIC;

-- Guards the planner wraps around arguments of built-in functions
-- (src/query_guard.cpp): they pass the argument through, or refuse it, or
-- turn it into NULL, by the tenant context in force when they run.
CREATE FUNCTION wt_internal.relation_guard(oid) RETURNS oid
    LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'wt_relation_guard';
COMMENT ON FUNCTION wt_internal.relation_guard(oid) IS
    'refuses a relation (nextval, currval, setval) the tenant context may not reach';
CREATE FUNCTION wt_internal.relation_mask(oid) RETURNS oid
    LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'wt_relation_mask';
COMMENT ON FUNCTION wt_internal.relation_mask(oid) IS
    'NULL for a relation the tenant context may not reach (sizes, counters, sequence values)';
CREATE FUNCTION wt_internal.large_object_guard(oid) RETURNS oid
    LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'wt_large_object_guard';
COMMENT ON FUNCTION wt_internal.large_object_guard(oid) IS
    'refuses a large object created under another tenant';
CREATE FUNCTION wt_internal.backend_pid_guard(integer) RETURNS integer
    LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'wt_backend_pid_guard';
COMMENT ON FUNCTION wt_internal.backend_pid_guard(integer) IS
    'in tenant context, pg_stat_get_activity shows this session only';
CREATE FUNCTION wt_internal.backend_id_guard(integer) RETURNS integer
    LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'wt_backend_id_guard';
COMMENT ON FUNCTION wt_internal.backend_id_guard(integer) IS
    'in tenant context, another backend''s statement text is NULL';
CREATE FUNCTION wt_internal.tenant_context_guard(text) RETURNS text
    LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'wt_tenant_context_guard';
COMMENT ON FUNCTION wt_internal.tenant_context_guard(text) IS
    'refuses logical decoding and pg_stat_statements in tenant context';
CREATE FUNCTION wt_internal.tenant_context_visible() RETURNS boolean
    LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'wt_tenant_context_visible';
COMMENT ON FUNCTION wt_internal.tenant_context_visible() IS
    'refuses pg_cursors and pg_prepared_statements in tenant context';
CREATE FUNCTION wt_internal.statistic_visible(oid, boolean) RETURNS boolean
    LANGUAGE c STABLE PARALLEL SAFE STRICT AS 'MODULE_PATHNAME', 'wt_statistic_visible';
COMMENT ON FUNCTION wt_internal.statistic_visible(oid, boolean) IS
    'security qual of pg_statistic: statistics of relations the tenant context may not reach are hidden';
CREATE FUNCTION wt_internal.statistic_ext_visible(oid) RETURNS boolean
    LANGUAGE c STABLE PARALLEL SAFE STRICT AS 'MODULE_PATHNAME', 'wt_statistic_ext_visible';
COMMENT ON FUNCTION wt_internal.statistic_ext_visible(oid) IS
    'security qual of pg_statistic_ext_data';
CREATE FUNCTION wt_internal.large_object_visible(oid) RETURNS boolean
    LANGUAGE c STABLE PARALLEL SAFE STRICT AS 'MODULE_PATHNAME', 'wt_large_object_visible';
COMMENT ON FUNCTION wt_internal.large_object_visible(oid) IS
    'security qual of pg_largeobject';
CREATE FUNCTION wt_internal.tenant_channel(text) RETURNS text
    LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'wt_tenant_channel';
COMMENT ON FUNCTION wt_internal.tenant_channel(text) IS
    'the channel of pg_notify() scoped to the tenant in force, as NOTIFY''s is';
