-- Per-tenant activity since the last wt_tenant_activity_reset(): top-level
-- statements (SELECT, INSERT, UPDATE, DELETE, MERGE; a function's queries are
-- part of its caller's), their execution time in ms and rows processed, for
-- every tenant (not a top N), from shared memory.  "(overflow)" counts the
-- tenants beyond wellness_tenancy.stats_max_tenants.  A tenant session sees
-- its own tenant's row only.
CREATE VIEW @extschema@.wt_tenant_activity AS
SELECT s.tenant,
       t.company_name,
       s.calls,
       s.total_exec_time,
       s.rows,
       s.stats_since
FROM wt_internal.tenant_activity() s
LEFT JOIN @extschema@.tenants t ON t.schema_name = s.tenant
ORDER BY s.total_exec_time DESC, s.tenant;
COMMENT ON VIEW @extschema@.wt_tenant_activity IS
    'wellness_tenancy: statements, execution time (ms) and rows per tenant since reset (tenant sessions see their own)';
GRANT SELECT ON @extschema@.wt_tenant_activity TO PUBLIC;
