-- Extension upgrade: ALTER EXTENSION wellness_tenancy UPDATE walks 1.0 ->
-- 1.1 -> 1.2 and leaves every tenant exactly as it was: the default tenant
-- template is the case study's, and an update adds no column or index of its
-- own.  Template changes are the DBA's tenant migrations: the demonstration
-- below adds employees.department and an index on wellness_logs(log_date)
-- with wt_add_migration and CALL wt_run_migrations().  The upgraded database
-- ends up with the same extension objects, migrations and tenant template as
-- a fresh install given the same DBA migrations.  Finally a database made by
-- the pre-release 1.1 that shipped that change as a migration of its own
-- keeps it, with every tenant's column and data, as the DBA's migration.
-- Uses three databases of its own.
\set regress_db :DBNAME
SET client_min_messages = warning;
DROP DATABASE IF EXISTS ops_upgrade_db;
DROP DATABASE IF EXISTS ops_upgrade_fresh_db;
DROP DATABASE IF EXISTS ops_upgrade_prerelease_db;
CREATE DATABASE ops_upgrade_db;
CREATE DATABASE ops_upgrade_fresh_db;
CREATE DATABASE ops_upgrade_prerelease_db;
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'wellness_app') THEN
    CREATE ROLE wellness_app LOGIN;
  END IF;
END $$;

\c ops_upgrade_db
SET client_min_messages = notice;
\set VERBOSITY terse
SELECT source, target, path FROM pg_extension_update_paths('wellness_tenancy') ORDER BY 1, 2;
SELECT name, default_version FROM pg_available_extensions WHERE name = 'wellness_tenancy';

-- A 1.0 installation in use: tenants with data, and a migration of the DBA's
-- own (version 2) applied to all of them.
CREATE EXTENSION wellness_tenancy VERSION '1.0';
SELECT count(wt_create_tenant(format('Upgrade %s', i), format('up_%s', i))) AS tenants
FROM generate_series(1, 4) i;
INSERT INTO up_1.employees (email) VALUES ('ada@up1.example');
INSERT INTO up_1.wellness_logs (employee_id, activity_type, log_date)
SELECT id, 'swim', '2024-05-01' FROM up_1.employees;
SELECT wt_add_migration(2, 'mood score', 'ALTER TABLE wellness_logs ADD COLUMN mood smallint');
SET client_min_messages = warning;
CALL wt_run_migrations();
SET client_min_messages = notice;
SELECT version, shipped, description FROM tenant_migrations ORDER BY version;
-- pg_dump keeps the DBA's migrations only (1.0); from 1.1 on, all of them.
SELECT c.relname, x.condition
FROM pg_extension e, unnest(e.extconfig, e.extcondition) AS x(reloid, condition)
JOIN pg_class c ON c.oid = x.reloid
WHERE e.extname = 'wellness_tenancy' AND c.relname = 'tenant_migrations';

-- Every tenant's tables, columns, indexes and constraints, kept as one md5
-- per tenant before the update.
\set tenant_structure 'SELECT n.nspname AS tenant, md5(concat((SELECT string_agg(concat_ws(\' \', c.table_name, c.column_name, c.data_type, c.character_maximum_length, c.is_nullable, c.column_default), \',\' ORDER BY c.table_name, c.ordinal_position) FROM information_schema.columns c WHERE c.table_schema = n.nspname), \'|\', (SELECT string_agg(i.indexdef, \',\' ORDER BY i.indexname) FROM pg_indexes i WHERE i.schemaname = n.nspname), \'|\', (SELECT string_agg(k.conname || \' \' || pg_get_constraintdef(k.oid), \',\' ORDER BY k.conname) FROM pg_constraint k WHERE k.connamespace = n.oid))) AS structure FROM pg_namespace n WHERE n.nspname LIKE \'up\\_%\' ORDER BY 1'
CREATE TEMP TABLE before_update AS :tenant_structure;

-- The update registers no tenant migration and touches no tenant: they stay
-- exactly as they were, at the version they were, and nothing is behind.
ALTER EXTENSION wellness_tenancy UPDATE;
SELECT extversion FROM pg_extension WHERE extname = 'wellness_tenancy';
SELECT version, shipped, description FROM tenant_migrations ORDER BY version;
SELECT c.relname, x.condition
FROM pg_extension e, unnest(e.extconfig, e.extcondition) AS x(reloid, condition)
JOIN pg_class c ON c.oid = x.reloid
WHERE e.extname = 'wellness_tenancy' AND c.relname = 'tenant_migrations';
SELECT schema_name, schema_version FROM tenants ORDER BY 1;
SELECT schema_name, problem, detail FROM wt_tenant_drift();
CREATE TEMP TABLE after_update AS :tenant_structure;
SELECT b.tenant, b.structure = a.structure AS unchanged_by_update
FROM before_update b FULL JOIN after_update a USING (tenant) ORDER BY 1;

-- Tenants are served as before, data intact.
SET ROLE wellness_app;
SELECT wt_set_tenant('up_1');
SELECT e.email, l.activity_type, l.mood FROM employees e JOIN wellness_logs l ON l.employee_id = e.id;
RESET ROLE;
RESET wellness_tenancy.tenant;
RESET search_path;

-- A tenant created now gets the case study's template and the DBA's
-- migration, nothing more.
SELECT wt_create_tenant('Upgrade New', 'up_new') IS NOT NULL AS created;
SELECT schema_version FROM tenants WHERE schema_name = 'up_new';
SELECT indexname FROM pg_indexes WHERE schemaname = 'up_new' ORDER BY 1;

-- Changing the template is the DBA's migration: a department per employee
-- and an index for reports by date, registered (tried on a scratch copy
-- first), given to new tenants at once, and applied to the existing ones in
-- batches by the procedure.
SELECT wt_add_migration(3, 'department per employee, index on wellness_logs(log_date)', $ddl$
ALTER TABLE employees ADD COLUMN department varchar(100);
CREATE INDEX wellness_logs_log_date_idx ON wellness_logs (log_date);
$ddl$);
SELECT schema_name, problem, detail FROM wt_tenant_drift();
CALL wt_run_migrations(batch_size => 2);
SELECT schema_name, schema_version FROM tenants ORDER BY 1;
SELECT schema_name, problem, detail FROM wt_tenant_drift();
SELECT n.nspname,
       EXISTS (SELECT FROM pg_indexes i WHERE i.schemaname = n.nspname
                AND i.indexname = 'wellness_logs_log_date_idx') AS log_date_index,
       EXISTS (SELECT FROM information_schema.columns c WHERE c.table_schema = n.nspname
                AND c.table_name = 'employees' AND c.column_name = 'department') AS department
FROM pg_namespace n WHERE n.nspname LIKE 'up\_%' ORDER BY 1;
-- Data written before the upgrade is intact, and the app may use the column.
SELECT count(*) AS logs FROM up_1.wellness_logs;
SELECT has_column_privilege('wellness_app', 'up_1.employees', 'department', 'UPDATE') AS app_can_write_department;
SELECT wt_create_tenant('Upgrade Newer', 'up_newer') IS NOT NULL AS created;
SELECT schema_version FROM tenants WHERE schema_name = 'up_newer';

-- The same checks in both databases: extension objects, migrations, and the
-- template a tenant gets.  Each is kept as an md5 and compared in the fresh
-- one, which is given the same two DBA migrations.
\set extension_objects 'SELECT md5(string_agg(pg_describe_object(d.classid, d.objid, 0), \',\' ORDER BY 1)) AS extension_objects FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid WHERE d.refclassid = \'pg_extension\'::regclass AND d.deptype = \'e\' AND e.extname = \'wellness_tenancy\''
\set migrations 'SELECT md5(string_agg(concat_ws(\' \', version, shipped, description, md5(ddl)), \',\' ORDER BY version)) AS migrations FROM tenant_migrations'
\set template_columns 'SELECT md5(string_agg(concat_ws(\' \', table_name, column_name, data_type, character_maximum_length, is_nullable, column_default), \',\' ORDER BY table_name, ordinal_position)) AS template_columns FROM information_schema.columns WHERE table_schema = \'up_newer\''
\set template_indexes 'SELECT md5(string_agg(replace(indexdef, \'up_newer.\', \'\'), \',\' ORDER BY indexname)) AS template_indexes FROM pg_indexes WHERE schemaname = \'up_newer\''
\set template_grants 'SELECT md5(string_agg(c.relname || \' \' || a.privilege_type, \',\' ORDER BY 1)) AS template_grants FROM pg_class c, aclexplode(c.relacl) a WHERE c.relnamespace = \'up_newer\'::regnamespace AND a.grantee = \'wellness_app\'::regrole'
:extension_objects \gset upgraded_
:migrations \gset upgraded_
:template_columns \gset upgraded_
:template_indexes \gset upgraded_
:template_grants \gset upgraded_
SELECT indexname FROM pg_indexes WHERE schemaname = 'up_newer' ORDER BY 1;
SELECT column_name FROM information_schema.columns
WHERE table_schema = 'up_newer' AND table_name = 'employees' ORDER BY ordinal_position;

\c ops_upgrade_fresh_db
SET client_min_messages = notice;
\set VERBOSITY terse
CREATE EXTENSION wellness_tenancy;
SELECT extversion FROM pg_extension WHERE extname = 'wellness_tenancy';
-- A fresh install ships the case study's template only.
SELECT version, shipped, description FROM tenant_migrations ORDER BY version;
SET client_min_messages = warning;
SELECT wt_add_migration(2, 'mood score', 'ALTER TABLE wellness_logs ADD COLUMN mood smallint');
SELECT wt_add_migration(3, 'department per employee, index on wellness_logs(log_date)', $ddl$
ALTER TABLE employees ADD COLUMN department varchar(100);
CREATE INDEX wellness_logs_log_date_idx ON wellness_logs (log_date);
$ddl$);
SET client_min_messages = notice;
SELECT wt_create_tenant('Upgrade Newer', 'up_newer') IS NOT NULL AS created;
SELECT schema_version FROM tenants WHERE schema_name = 'up_newer';
:extension_objects \gset fresh_
:migrations \gset fresh_
:template_columns \gset fresh_
:template_indexes \gset fresh_
:template_grants \gset fresh_
SELECT :'fresh_extension_objects' = :'upgraded_extension_objects' AS same_extension_objects,
       :'fresh_migrations' = :'upgraded_migrations' AS same_migrations,
       :'fresh_template_columns' = :'upgraded_template_columns' AS same_columns,
       :'fresh_template_indexes' = :'upgraded_template_indexes' AS same_indexes,
       :'fresh_template_grants' = :'upgraded_template_grants' AS same_grants;
SELECT schema_name, problem, detail FROM wt_tenant_drift();

-- A database made by the pre-release 1.1 that shipped the department column
-- and the log_date index as a tenant migration of its own (made here by
-- inserting that row, as it did, into a 1.1 install), with a tenant that
-- has it and data in the column.
\c ops_upgrade_prerelease_db
SET client_min_messages = notice;
\set VERBOSITY terse
CREATE EXTENSION wellness_tenancy VERSION '1.1';
INSERT INTO tenant_migrations (version, description, ddl, shipped) VALUES
(2, 'wellness_tenancy 1.1: index on wellness_logs(log_date), column employees.department', $ddl$
ALTER TABLE employees ADD COLUMN department varchar(100);
CREATE INDEX wellness_logs_log_date_idx ON wellness_logs (log_date);
$ddl$, true);
SELECT wt_create_tenant('Prerelease', 'pre_1') IS NOT NULL AS created;
INSERT INTO pre_1.employees (email, department) VALUES ('ada@pre1.example', 'research');
-- The update hands the migration over to the DBA: it says so, and how to
-- take it out; the tenant keeps the column, the index and its data.
\set VERBOSITY default
ALTER EXTENSION wellness_tenancy UPDATE TO '1.2';
\set VERBOSITY terse
SELECT version, shipped, description FROM tenant_migrations ORDER BY version;
SELECT email, department FROM pre_1.employees;
SELECT indexname FROM pg_indexes WHERE schemaname = 'pre_1' ORDER BY 1;
SELECT schema_name, schema_version FROM tenants ORDER BY 1;
SELECT schema_name, problem, detail FROM wt_tenant_drift();
-- It is the DBA's now: new tenants still get it, and wt_remove_migration
-- no longer refuses it as shipped (here: a tenant has it).
SELECT wt_create_tenant('Prerelease Two', 'pre_2') IS NOT NULL AS created;
SELECT column_name FROM information_schema.columns
WHERE table_schema = 'pre_2' AND table_name = 'employees' ORDER BY ordinal_position;
SELECT wt_remove_migration(2);

\c :regress_db
SET client_min_messages = warning;
DROP DATABASE ops_upgrade_db;
DROP DATABASE ops_upgrade_fresh_db;
DROP DATABASE ops_upgrade_prerelease_db;
