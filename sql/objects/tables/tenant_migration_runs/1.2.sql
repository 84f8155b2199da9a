-- The run ledger is data of the database, not of the extension: pg_dump
-- keeps its rows (and its identity sequence, so that a restored database
-- numbers its next run after the restored ones), as it keeps the registry's.
SELECT pg_catalog.pg_extension_config_dump('@extschema@.tenant_migration_runs', '');
SELECT pg_catalog.pg_extension_config_dump(
    pg_catalog.pg_get_serial_sequence('@extschema@.tenant_migration_runs', 'run_id')::pg_catalog.regclass, '');
