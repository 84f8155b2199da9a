-- Provisioning: wt_create_tenant() and the case study's INSERT INTO tenants
-- create the same tenant: schema, template tables, constraints, index,
-- registry row.  Leaves tenants innovate_inc and globex_corporation behind for
-- the cases that follow (grants, drop_tenant).
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'wellness_app') THEN
    CREATE ROLE wellness_app LOGIN;
  END IF;
END $$;

-- The case study's workflow: a company signs up.
INSERT INTO tenants (company_name, schema_name) VALUES ('Innovate Inc.', 'innovate_inc');

-- The function, with the schema name derived from the company name.
SELECT wt_create_tenant('Globex Corporation') IS NOT NULL AS returned_uuid;
SELECT wt_derive_schema_name('Innovate Inc.'), wt_derive_schema_name('  ACME -- Health & Co. (EU)'),
       wt_derive_schema_name('3M Company');

-- The returned id is the registry row's id.
SELECT wt_create_tenant('Initech', 'initech') AS initech_id \gset
SELECT id = :'initech_id' AS id_matches_registry FROM tenants WHERE schema_name = 'initech';

SELECT company_name, schema_name, status, schema_version, placement,
       created_at <= now() AS created_in_past
FROM tenants ORDER BY schema_name;

-- Both paths produce the same tables, columns and constraints.
SELECT table_schema, table_name, column_name, data_type, character_maximum_length, is_nullable,
       column_default
FROM information_schema.columns
WHERE table_schema IN ('innovate_inc', 'globex_corporation')
ORDER BY table_name, ordinal_position, table_schema;

SELECT n.nspname, c.conrelid::regclass::text AS tbl, c.contype, pg_get_constraintdef(c.oid)
FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
WHERE n.nspname IN ('innovate_inc', 'globex_corporation')
ORDER BY 1, 2, 3, 4;

SELECT schemaname, tablename, indexname, indexdef
FROM pg_indexes WHERE schemaname = 'innovate_inc' ORDER BY indexname;

-- ON DELETE CASCADE from employees to wellness_logs, as in the case study.
INSERT INTO innovate_inc.employees (email, full_name) VALUES ('ada@innovate.example', 'Ada');
INSERT INTO innovate_inc.wellness_logs (employee_id, activity_type, duration_minutes, log_date)
SELECT id, 'yoga', 30, '2026-11-01' FROM innovate_inc.employees;
DELETE FROM innovate_inc.employees;
SELECT count(*) AS logs_after_cascade FROM innovate_inc.wellness_logs;

-- The registry is in the extension and its rows are dumped by pg_dump.
SELECT cfg.oid::regclass AS dumped_table, cfg.condition
FROM pg_extension e, unnest(e.extconfig, e.extcondition) AS cfg(oid, condition)
WHERE e.extname = 'wellness_tenancy' ORDER BY 1;

-- Provisioning is atomic: the registry row fails its primary key after the
-- trigger created the schema and tables; nothing of it remains.
\set VERBOSITY terse
INSERT INTO tenants (id, company_name, schema_name)
SELECT id, 'Duplicate Id Ltd', 'duplicate_id_ltd' FROM tenants WHERE schema_name = 'initech';
\set VERBOSITY default
SELECT count(*) AS schemas_after_failure FROM pg_namespace WHERE nspname = 'duplicate_id_ltd';
-- And a rolled-back transaction takes the tenant with it.
BEGIN;
SELECT wt_create_tenant('Rollback Ltd', 'rollback_ltd') IS NOT NULL AS created;
SELECT count(*) AS tables_in_tx FROM pg_tables WHERE schemaname = 'rollback_ltd';
ROLLBACK;
SELECT count(*) AS schemas_after_rollback FROM pg_namespace WHERE nspname = 'rollback_ltd';
SELECT count(*) AS rows_after_rollback FROM tenants WHERE schema_name = 'rollback_ltd';
