-- 1.2: the comment 1.0 did not give it (definition: the newest file with a CREATE).
COMMENT ON FUNCTION @extschema@.wt_registry_provision() IS
    'internal: BEFORE INSERT trigger on tenants that provisions the tenant (names, schema, migrations, grants)';
