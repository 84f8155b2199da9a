-- The tenant each backend of this database works for, from shared memory
-- (src/tenant_activity.cpp): published when the tenant in force changes,
-- with the backend's activity read beside it (not through
-- pg_stat_get_activity, which the query guard narrows to the session's own
-- row in tenant context).  Filtered in C by the caller's tenant context: a
-- tenant session sees the backends of its own tenant only; a session under
-- require_tenant without a tenant only itself; statement texts only for DBAs
-- without a tenant.  That filter makes it safe for PUBLIC (wt_sessions).
CREATE FUNCTION wt_internal.tenant_backends(OUT pid integer, OUT tenant text, OUT tenant_since timestamptz,
                                            OUT state text, OUT backend_start timestamptz,
                                            OUT xact_start timestamptz, OUT query_start timestamptz,
                                            OUT query text, OUT role_name text, OUT application_name text,
                                            OUT backend_type text)
    RETURNS SETOF record
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'wt_tenant_backends';
COMMENT ON FUNCTION wt_internal.tenant_backends() IS
    'internal: backends of this database, the tenant each works for and their activity (filtered by the caller''s tenant)';
GRANT EXECUTE ON FUNCTION wt_internal.tenant_backends() TO PUBLIC;
