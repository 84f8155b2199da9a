-- Forgets every tenant's activity statistics (wt_tenant_activity), in every
-- database, as pg_stat_statements_reset() does.  DBAs only: EXECUTE is
-- revoked from PUBLIC, and it is refused in a tenant context.
CREATE FUNCTION @extschema@.wt_tenant_activity_reset()
    RETURNS void
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'wt_tenant_activity_reset';
COMMENT ON FUNCTION @extschema@.wt_tenant_activity_reset() IS
    'wellness_tenancy: resets the per-tenant activity statistics of wt_tenant_activity (superusers; grant to DBAs)';
REVOKE ALL ON FUNCTION @extschema@.wt_tenant_activity_reset() FROM PUBLIC;
