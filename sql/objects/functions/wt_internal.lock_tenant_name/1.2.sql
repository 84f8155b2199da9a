-- The tenant lock protocol, implemented once in C++ (src/provisioning.cpp,
-- LockSchemaName): the transaction-scoped advisory lock on a tenant's schema
-- name that provisioning, offboarding and the lifecycle functions take, so
-- that changes to one tenant never interleave.  Administration only: a lock
-- held on a name would hold up that tenant's provisioning.
CREATE FUNCTION wt_internal.lock_tenant_name(schema_name text)
    RETURNS void
    LANGUAGE c AS 'MODULE_PATHNAME', 'wt_lock_tenant_name';
COMMENT ON FUNCTION wt_internal.lock_tenant_name(text) IS
    'internal: take the tenant lock (transaction-scoped) on a tenant schema name';
REVOKE ALL ON FUNCTION wt_internal.lock_tenant_name(text) FROM PUBLIC;
