-- Loading the module comes first: outside shared_preload_libraries its
-- _PG_init refuses with a hint, and nothing below is created.
CREATE OR REPLACE FUNCTION wt_internal.wt_registry_provision() RETURNS trigger
    LANGUAGE c AS 'MODULE_PATHNAME', 'wt_registry_provision';
-- 1.2: moved to wt_internal (defined again here), with the comment 1.0 did not give it.
COMMENT ON FUNCTION wt_internal.wt_registry_provision() IS
    'internal: BEFORE INSERT trigger on tenants that provisions the tenant (names, schema, migrations, grants)';
