-- Tenant migrations: registering one (validated on a scratch template),
-- applying it (one commit per tenant) with CALL wt_run_migrations(), a tenant that fails
-- is reported and skipped without being half-migrated, the next run resumes,
-- new tenants start at the latest version, progress is visible in a view.
-- Runs in a database of its own: a migration run reaches every tenant, and
-- the tenants of other cases are not this case's to change.
\set case_db ops_migrations_db
\i sql/include/case_database.psql

SELECT count(wt_create_tenant(format('Company %s', i), format('co_%s', i))) AS tenants
FROM generate_series(1, 7) i;
SELECT max(version) AS latest FROM tenant_migrations;

-- Registration is refused, with nothing registered, when the version does not
-- append, a field is missing or the DDL cannot work on the template.
SELECT wt_add_migration(1, 'again', 'CREATE TABLE t (x int)');
\echo :LAST_ERROR_SQLSTATE
SELECT wt_add_migration(NULL, 'no version', 'CREATE TABLE t (x int)');
\echo :LAST_ERROR_SQLSTATE
SELECT wt_add_migration(10, '  ', 'CREATE TABLE t (x int)');
\echo :LAST_ERROR_SQLSTATE
SELECT wt_add_migration(10, 'empty', ' ; ');
\echo :LAST_ERROR_SQLSTATE
SELECT wt_add_migration(10, 'typo', 'CREATE INDEX ON wellness_log (log_date)');
\echo :LAST_ERROR_SQLSTATE
SELECT wt_add_migration(10, 'clash', 'CREATE TABLE employees (id int)');
\echo :LAST_ERROR_SQLSTATE
-- CREATE INDEX CONCURRENTLY cannot run inside a migration's transaction.
SELECT wt_add_migration(10, 'concurrently', 'CREATE INDEX CONCURRENTLY ON wellness_logs (log_date)');
\echo :LAST_ERROR_SQLSTATE
-- Not from tenant context.
SET wellness_tenancy.tenant = 'co_1';
SELECT wt_add_migration(10, 'from a tenant', 'CREATE TABLE t (x int)');
\echo :LAST_ERROR_SQLSTATE
RESET wellness_tenancy.tenant;
-- The scratch template was rolled back each time: no schema, no row.
SELECT count(*) AS scratch_schemas FROM pg_namespace WHERE nspname LIKE 'wt_template_check_%';
SELECT version FROM tenant_migrations WHERE version >= 10;

-- A migration of two statements: a column, and a constraint that the data of
-- co_3 violates.  Registration succeeds: the template is empty.
SELECT wt_add_migration(10, 'mood score and lower-case e-mail addresses', $ddl$
ALTER TABLE wellness_logs ADD COLUMN mood smallint;
ALTER TABLE employees ADD CONSTRAINT employees_email_lower CHECK (email = lower(email));
$ddl$);
INSERT INTO co_3.employees (email) VALUES ('Alice@Example.com');
INSERT INTO co_5.employees (email) VALUES ('bob@example.com');
SELECT schema_name, problem, detail FROM wt_tenant_drift();

-- A new tenant is created at the latest version.
SELECT wt_create_tenant('Newcomer', 'co_new') IS NOT NULL AS created;
SELECT schema_version FROM tenants WHERE schema_name = 'co_new';
SELECT count(*) AS has_mood FROM pg_attribute
WHERE attrelid = 'co_new.wellness_logs'::regclass AND attname = 'mood';

-- Progress every 3 tenants; co_3 fails, is reported and skipped; the others are migrated.
-- (VERBOSITY terse: the rate and the time left are in each NOTICE's DETAIL.)
CALL wt_run_migrations(batch_size => 3);
SELECT schema_name, schema_version FROM tenants ORDER BY schema_name;
-- co_3 is not half-migrated: the column of the first statement is not there.
SELECT n.nspname, count(a.attname) AS mood_columns
FROM pg_namespace n
JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = 'wellness_logs'
LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'mood'
WHERE n.nspname LIKE 'co\_%'
GROUP BY n.nspname ORDER BY n.nspname;
SELECT schema_name, from_version, target_version, sqlstate, message
FROM tenant_migration_failures ORDER BY run_id, schema_name;
SELECT run_id, state, target_version, tenants_total, tenants_done, tenants_failed,
       tenants_remaining, percent_done, batches, batch_size, lock_timeout,
       finished_at IS NOT NULL AS finished
FROM wt_migration_progress;
SELECT schema_name, problem, detail FROM wt_tenant_drift();

-- Fix the data; the next run resumes with the one tenant that is behind.
UPDATE co_3.employees SET email = lower(email);
CALL wt_run_migrations();
SELECT schema_name, schema_version FROM tenants WHERE schema_version <> 10;
SELECT run_id, state, tenants_total, tenants_done, tenants_failed FROM wt_migration_progress;
SELECT schema_name, problem, detail FROM wt_tenant_drift();
-- Nothing left to do.
CALL wt_run_migrations();

-- Migrated tables keep their grants, and data written before is still there.
SELECT has_column_privilege('wellness_app', 'co_5.wellness_logs', 'mood', 'UPDATE') AS app_can_write_mood;
SELECT email FROM co_5.employees;

-- A run whose backend is gone (crash, kill -9) shows as interrupted, and the
-- next run records it so.
INSERT INTO tenant_migration_runs (target_version, batch_size, lock_timeout, tenants_total,
                                   backend_pid, backend_start)
VALUES (10, 50, '5s', 8, 0, now());
SELECT run_id, state FROM wt_migration_progress ORDER BY run_id DESC LIMIT 1;
SELECT wt_add_migration(11, 'index on activity type', 'CREATE INDEX wellness_logs_activity_type_idx ON wellness_logs (activity_type)');
CALL wt_run_migrations(batch_size => 4, lock_timeout => '2s');
SELECT run_id, r.state AS recorded_state, p.state AS shown_state
FROM tenant_migration_runs r JOIN wt_migration_progress p USING (run_id)
ORDER BY run_id;
SELECT count(*) AS tenants_with_index FROM pg_indexes WHERE indexname = 'wellness_logs_activity_type_idx';

-- A suspended tenant is migrated too (it is current when resumed), and stays
-- suspended.
SELECT wt_suspend_tenant('co_2');
SELECT wt_add_migration(12, 'department', 'ALTER TABLE employees ADD COLUMN team text');
CALL wt_run_migrations();
SELECT schema_version, status, has_schema_privilege('wellness_app', 'co_2', 'USAGE') AS app_usage
FROM tenants WHERE schema_name = 'co_2';
SELECT wt_resume_tenant('co_2');

-- Argument checks, and the procedure commits per tenant, so it refuses to run
-- inside a transaction block (nothing is recorded).
CALL wt_run_migrations(batch_size => 0);
\echo :LAST_ERROR_SQLSTATE
CALL wt_run_migrations(lock_timeout => 'soon');
\echo :LAST_ERROR_SQLSTATE
SELECT wt_add_migration(13, 'category', 'ALTER TABLE wellness_logs ADD COLUMN category text');
BEGIN;
CALL wt_run_migrations();
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
SELECT count(*) AS runs FROM tenant_migration_runs;
SET wellness_tenancy.tenant = 'co_1';
CALL wt_run_migrations();
\echo :LAST_ERROR_SQLSTATE
RESET wellness_tenancy.tenant;

-- One tenant by hand: wt_migrate_tenant() in the caller's transaction.
BEGIN;
SELECT wt_migrate_tenant('co_1') AS reached;
SELECT schema_version FROM tenants WHERE schema_name = 'co_1';
ROLLBACK;
SELECT schema_version FROM tenants WHERE schema_name = 'co_1';
SELECT wt_migrate_tenant('no_such_tenant');
\echo :LAST_ERROR_SQLSTATE

-- The latest migration can be taken back while no tenant has it.
SELECT wt_remove_migration(12);
\echo :LAST_ERROR_SQLSTATE
SELECT wt_remove_migration(1);
\echo :LAST_ERROR_SQLSTATE
SELECT wt_migrate_tenant('co_1');
SELECT wt_remove_migration(13);
\echo :LAST_ERROR_SQLSTATE
SELECT wt_add_migration(14, 'not wanted after all', 'ALTER TABLE employees ADD COLUMN nickname text');
SELECT wt_remove_migration(14);
SELECT max(version) AS latest FROM tenant_migrations;
CALL wt_run_migrations();
SELECT schema_name, problem, detail FROM wt_tenant_drift();

-- A migration that creates tables, run by another DBA role: the default
-- privileges (those of the role that provisioned the tenants) do not cover
-- what that role creates, so the step grants the app role what it lacks.
-- Control first: that role creating a table outside a migration leaves it
-- ungranted, and the consistency check reports it.
CREATE ROLE wt_regress_other_dba SUPERUSER;
SET ROLE wt_regress_other_dba;
CREATE TABLE co_3.stray (x int);
RESET ROLE;
SELECT has_table_privilege('wellness_app', 'co_3.stray', 'SELECT') AS stray_granted;
SELECT schema_name, problem, detail FROM wt_tenant_drift();
DROP TABLE co_3.stray;
SET ROLE wt_regress_other_dba;
SELECT wt_add_migration(15, 'badges', 'CREATE TABLE badges (id serial PRIMARY KEY, name text NOT NULL)');
CALL wt_run_migrations();
RESET ROLE;
SELECT count(*) FILTER (WHERE has_table_privilege('wellness_app', format('%I.badges', schema_name), 'INSERT')
                          AND has_sequence_privilege('wellness_app', format('%I.badges_id_seq', schema_name), 'USAGE'))
       AS tenants_granted,
       count(*) AS tenants
FROM tenants;
SELECT schema_name, problem, detail FROM wt_tenant_drift();

-- Pruning the run ledger takes a run's failures with it (a trigger: the
-- failures carry no foreign key, so that pg_restore -j can load the two
-- ledgers in any order).
SELECT count(*) AS failures_before FROM tenant_migration_failures;
DELETE FROM tenant_migration_runs r
 WHERE EXISTS (SELECT FROM tenant_migration_failures f WHERE f.run_id = r.run_id);
SELECT count(*) AS failures_after FROM tenant_migration_failures;
TRUNCATE tenant_migration_runs;
SELECT count(*) AS runs, (SELECT count(*) FROM tenant_migration_failures) AS failures FROM tenant_migration_runs;

-- Administration is not for PUBLIC.
SELECT p.proname, has_function_privilege('wellness_app', p.oid, 'EXECUTE') AS app_may_call
FROM pg_proc p
WHERE p.proname IN ('wt_add_migration', 'wt_remove_migration', 'wt_run_migrations', 'wt_migrate_tenant')
ORDER BY 1;

\c :regress_db
SET client_min_messages = warning;
DROP DATABASE :case_db;
DROP ROLE wt_regress_other_dba;
