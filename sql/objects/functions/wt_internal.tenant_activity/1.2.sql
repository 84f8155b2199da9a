-- Per-tenant statement statistics of this database from shared memory
-- (src/tenant_activity.cpp), plus the "(overflow)" entry for tenants beyond
-- wellness_tenancy.stats_max_tenants.  Filtered in C: a tenant session sees
-- its own tenant's entry only, a session under require_tenant without a
-- tenant none.
CREATE FUNCTION wt_internal.tenant_activity(OUT tenant text, OUT calls bigint, OUT total_exec_time double precision,
                                            OUT rows bigint, OUT stats_since timestamptz)
    RETURNS SETOF record
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'wt_tenant_activity';
COMMENT ON FUNCTION wt_internal.tenant_activity() IS
    'internal: per-tenant statements, execution time and rows (filtered by the caller''s tenant)';
GRANT EXECUTE ON FUNCTION wt_internal.tenant_activity() TO PUBLIC;
