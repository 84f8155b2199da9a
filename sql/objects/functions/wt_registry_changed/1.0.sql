-- Every change to what the tenant cache holds (which schemas are tenants,
-- their status and placement) invalidates the cache of every backend.  A
-- migration's schema_version update does not: it would make every backend
-- rebuild its cache once per migrated tenant.
CREATE FUNCTION @extschema@.wt_registry_changed() RETURNS trigger
    LANGUAGE c AS 'MODULE_PATHNAME', 'wt_registry_changed';
