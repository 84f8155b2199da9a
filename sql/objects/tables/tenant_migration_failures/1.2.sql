-- The tenants a run skipped, with their errors, survive pg_dump and restore
-- with the runs they belong to (tenant_migration_runs/1.2.sql).  Without the
-- foreign key to tenant_migration_runs: pg_restore -j loads extension tables'
-- data in parallel, failures before their runs, and the key failed the
-- restore.  Only wt_run_migrations() writes failures, with its own run_id;
-- deleting a run still deletes its failures (trigger
-- tenant_migration_runs_delete).
ALTER TABLE @extschema@.tenant_migration_failures DROP CONSTRAINT tenant_migration_failures_run_id_fkey;
SELECT pg_catalog.pg_extension_config_dump('@extschema@.tenant_migration_failures', '');
