-- Live sessions of this database and the tenant each works for: the tenant
-- in force as the backend published it in shared memory, with its activity
-- (state, since when, statement) as pg_stat_activity has it.  A tenant
-- session sees only its own tenant's sessions (filtered in
-- wt_internal.tenant_backends()); the statement text only for a DBA
-- (superuser or pg_read_all_stats) without a tenant context.  Readable by
-- PUBLIC: the filter is in the function, not in the grant.
CREATE VIEW @extschema@.wt_sessions AS
SELECT b.pid,
       b.tenant,
       t.company_name,
       b.state,
       b.tenant_since,
       b.backend_start,
       b.xact_start,
       b.query_start,
       b.query,
       b.role_name,
       b.application_name,
       b.backend_type
FROM wt_internal.tenant_backends() b
LEFT JOIN @extschema@.tenants t ON t.schema_name = b.tenant
ORDER BY b.tenant, b.pid;
COMMENT ON VIEW @extschema@.wt_sessions IS
    'wellness_tenancy: live sessions and the tenant each works for (tenant sessions see their own tenant''s; query text for DBAs only)';
GRANT SELECT ON @extschema@.wt_sessions TO PUBLIC;
