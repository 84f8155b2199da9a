-- The tenants a run skipped, with their errors, survive pg_dump and restore
-- with the runs they belong to (tenant_migration_runs/1.2.sql).
SELECT pg_catalog.pg_extension_config_dump('@extschema@.tenant_migration_failures', '');
