-- --- Tenant migrations ---
-- One tenant, atomically, in the caller's transaction: applies every
-- migration above the tenant's schema_version, re-grants the app role and
-- records the version reached (which it returns).
CREATE FUNCTION @extschema@.wt_migrate_tenant(schema_name text)
    RETURNS integer
    LANGUAGE c AS 'MODULE_PATHNAME', 'wt_migrate_tenant';
COMMENT ON FUNCTION @extschema@.wt_migrate_tenant(text) IS
    'apply the pending tenant migrations to one tenant, atomically, in the caller''s transaction';
