-- A run's failures go with it (the cascade of the foreign key 1.2 dropped).
CREATE TRIGGER tenant_migration_runs_delete AFTER DELETE ON @extschema@.tenant_migration_runs
    FOR EACH ROW EXECUTE FUNCTION wt_internal.delete_run_failures();
CREATE TRIGGER tenant_migration_runs_truncate AFTER TRUNCATE ON @extschema@.tenant_migration_runs
    FOR EACH STATEMENT EXECUTE FUNCTION wt_internal.delete_run_failures();
