-- 1.2: the comment 1.0 did not give it (definition: the newest file with a CREATE).
COMMENT ON FUNCTION @extschema@.wt_tenant_migrations_reconcile() IS
    'internal: BEFORE INSERT trigger on tenant_migrations that reconciles restored rows with the shipped ones';
