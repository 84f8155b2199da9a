-- Every change to what the tenant cache holds (which schemas are tenants,
-- their status and placement) invalidates the cache of every backend.  A
-- migration's schema_version update does not: it would make every backend
-- rebuild its cache once per migrated tenant.
CREATE OR REPLACE FUNCTION wt_internal.wt_registry_changed() RETURNS trigger
    LANGUAGE c AS 'MODULE_PATHNAME', 'wt_registry_changed';
-- 1.2: moved to wt_internal (defined again here), with the comment 1.0 did not give it.
COMMENT ON FUNCTION wt_internal.wt_registry_changed() IS
    'internal: trigger on tenants that invalidates every backend''s tenant cache';
