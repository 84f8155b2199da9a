-- Extension upgrade: ALTER EXTENSION wellness_tenancy UPDATE walks 1.0 ->
-- 1.1; the 1.1 template change (index on wellness_logs(log_date), column
-- employees.department) arrives as a shipped tenant migration, numbered after
-- the DBA's own; existing tenants keep being served at their version until
-- CALL wt_run_migrations() brings them up; new tenants get it at once; the
-- upgraded database ends up with the same extension objects and tenant
-- template as a fresh 1.1 install.  Uses two databases of its own.
\set regress_db :DBNAME
SET client_min_messages = warning;
DROP DATABASE IF EXISTS ops_upgrade_db;
DROP DATABASE IF EXISTS ops_upgrade_fresh_db;
CREATE DATABASE ops_upgrade_db;
CREATE DATABASE ops_upgrade_fresh_db;
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

-- The upgrade registers the 1.1 template change as migration 3 (above the
-- DBA's 2) and applies it to no tenant: that would lock every tenant in one
-- transaction.  It says so.
ALTER EXTENSION wellness_tenancy UPDATE;
SELECT extversion FROM pg_extension WHERE extname = 'wellness_tenancy';
SELECT version, shipped, description FROM tenant_migrations ORDER BY version;
SELECT c.relname, x.condition
FROM pg_extension e, unnest(e.extconfig, e.extcondition) AS x(reloid, condition)
JOIN pg_class c ON c.oid = x.reloid
WHERE e.extname = 'wellness_tenancy' AND c.relname = 'tenant_migrations';
SELECT schema_name, schema_version FROM tenants ORDER BY 1;
SELECT schema_name, problem, detail FROM wt_tenant_drift();

-- Meanwhile tenants are served at their version.
SET ROLE wellness_app;
SELECT wt_set_tenant('up_1');
SELECT e.email, l.activity_type, l.mood FROM employees e JOIN wellness_logs l ON l.employee_id = e.id;
RESET ROLE;
RESET wellness_tenancy.tenant;
RESET search_path;

-- A tenant created now gets the whole 1.1 template at once.
SELECT wt_create_tenant('Upgrade New', 'up_new') IS NOT NULL AS created;
SELECT schema_version FROM tenants WHERE schema_name = 'up_new';

-- The procedure brings the others up.
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

-- The same checks in both databases: extension objects, shipped migrations,
-- and the template a tenant gets (the upgraded database has the DBA's mood
-- column on top).  Each is kept as an md5 and compared in the fresh one.
\set extension_objects 'SELECT md5(string_agg(pg_describe_object(d.classid, d.objid, 0), \',\' ORDER BY 1)) AS extension_objects FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid WHERE d.refclassid = \'pg_extension\'::regclass AND d.deptype = \'e\' AND e.extname = \'wellness_tenancy\''
\set shipped_migrations 'SELECT md5(string_agg(description || md5(ddl), \',\' ORDER BY version)) AS shipped_migrations FROM tenant_migrations WHERE shipped'
\set template_columns 'SELECT md5(string_agg(concat_ws(\' \', table_name, column_name, data_type, character_maximum_length, is_nullable, column_default), \',\' ORDER BY table_name, ordinal_position)) AS template_columns FROM information_schema.columns WHERE table_schema = \'up_new\' AND column_name <> \'mood\''
\set template_indexes 'SELECT md5(string_agg(replace(indexdef, \'up_new.\', \'\'), \',\' ORDER BY indexname)) AS template_indexes FROM pg_indexes WHERE schemaname = \'up_new\''
\set template_grants 'SELECT md5(string_agg(c.relname || \' \' || a.privilege_type, \',\' ORDER BY 1)) AS template_grants FROM pg_class c, aclexplode(c.relacl) a WHERE c.relnamespace = \'up_new\'::regnamespace AND a.grantee = \'wellness_app\'::regrole'
:extension_objects \gset upgraded_
:shipped_migrations \gset upgraded_
:template_columns \gset upgraded_
:template_indexes \gset upgraded_
:template_grants \gset upgraded_
SELECT indexname FROM pg_indexes WHERE schemaname = 'up_new' ORDER BY 1;
SELECT column_name FROM information_schema.columns
WHERE table_schema = 'up_new' AND table_name = 'employees' ORDER BY ordinal_position;

\c ops_upgrade_fresh_db
SET client_min_messages = notice;
\set VERBOSITY terse
CREATE EXTENSION wellness_tenancy;
SELECT extversion FROM pg_extension WHERE extname = 'wellness_tenancy';
SELECT version, shipped, description FROM tenant_migrations ORDER BY version;
SELECT wt_create_tenant('Upgrade New', 'up_new') IS NOT NULL AS created;
SELECT schema_version FROM tenants WHERE schema_name = 'up_new';
:extension_objects \gset fresh_
:shipped_migrations \gset fresh_
:template_columns \gset fresh_
:template_indexes \gset fresh_
:template_grants \gset fresh_
SELECT :'fresh_extension_objects' = :'upgraded_extension_objects' AS same_extension_objects,
       :'fresh_shipped_migrations' = :'upgraded_shipped_migrations' AS same_shipped_migrations,
       :'fresh_template_columns' = :'upgraded_template_columns' AS same_columns,
       :'fresh_template_indexes' = :'upgraded_template_indexes' AS same_indexes,
       :'fresh_template_grants' = :'upgraded_template_grants' AS same_grants;
SELECT schema_name, problem, detail FROM wt_tenant_drift();

\c :regress_db
SET client_min_messages = warning;
DROP DATABASE ops_upgrade_db;
DROP DATABASE ops_upgrade_fresh_db;
