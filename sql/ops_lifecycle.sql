-- Lifecycle: a suspended tenant cannot be set as the tenant and its data is
-- not served (nor, with require_tenant, to an app session without a tenant);
-- resuming serves it again; renaming changes the company, never the schema;
-- dropping is refused for an active tenant.
-- Runs in a database of its own (tenants lc_*), so that no other case's
-- tenants are touched.
\set case_db ops_lifecycle_db
\i sql/include/case_database.psql

SELECT wt_create_tenant('Acme Health', 'lc_acme') IS NOT NULL AS created,
       wt_create_tenant('Umbrella Corp', 'lc_umbrella') IS NOT NULL AS created;
INSERT INTO lc_acme.employees (email, full_name) VALUES ('ada@acme.example', 'Ada');

-- Served while active: as the tenant, and to the app role.
SET ROLE wellness_app;
SELECT wt_set_tenant('lc_acme');
SELECT full_name FROM employees;
RESET wellness_tenancy.tenant;
RESET search_path;
SELECT count(*) AS acme_employees FROM lc_acme.employees;
RESET ROLE;

-- Suspend.  The registry records it; the grants stay as they are.
SELECT wt_suspend_tenant('lc_acme');
SELECT schema_name, status, updated_at >= created_at AS updated FROM tenants ORDER BY 1;
SELECT has_schema_privilege('wellness_app', 'lc_acme', 'USAGE') AS app_usage;
-- Suspending twice is harmless.
SELECT wt_suspend_tenant('lc_acme');

-- Not settable as the tenant, whoever asks (superuser included).
SET wellness_tenancy.tenant = 'lc_acme';
\echo :LAST_ERROR_SQLSTATE
SELECT wt_set_tenant('lc_acme');
\echo :LAST_ERROR_SQLSTATE
-- An app session that fails closed (require_tenant, as recommended for the
-- app role) reaches no tenant without setting one, a suspended one included.
-- (The refusal's text is the isolation cases' to show: SQLSTATE only.)
SET wellness_tenancy.require_tenant = on;
SET ROLE wellness_app;
\set VERBOSITY sqlstate
SELECT count(*) FROM lc_acme.employees;
\set VERBOSITY terse
RESET ROLE;
RESET wellness_tenancy.require_tenant;
SET ROLE wellness_app;
-- The other tenant is unaffected.
SELECT wt_set_tenant('lc_umbrella');
SELECT count(*) AS umbrella_employees FROM employees;
RESET wellness_tenancy.tenant;
RESET search_path;
RESET ROLE;
-- The DBA without tenant context still reaches the data (to export or fix it).
SELECT count(*) AS dba_sees FROM lc_acme.employees;

-- Resume: served again.
SELECT wt_resume_tenant('lc_acme');
SELECT status FROM tenants WHERE schema_name = 'lc_acme';
SELECT has_schema_privilege('wellness_app', 'lc_acme', 'USAGE') AS app_usage;
SET ROLE wellness_app;
SELECT wt_set_tenant('lc_acme');
SELECT full_name FROM employees;
RESET wellness_tenancy.tenant;
RESET search_path;
RESET ROLE;
SELECT wt_resume_tenant('lc_acme');

-- (A session that already has the tenant set is refused from its next
-- statement on: specs/ops_suspend_live_session.spec.)

-- Suspended again; from another tenant's context it stays out of reach, as
-- every other tenant.
SELECT wt_suspend_tenant('lc_acme');
SET wellness_tenancy.tenant = 'lc_umbrella';
-- (the isolation error itself is the isolation cases' to show: SQLSTATE only)
\set VERBOSITY sqlstate
SELECT count(*) FROM lc_acme.employees;
\set VERBOSITY terse
RESET wellness_tenancy.tenant;

-- Lifecycle functions are administration: not from tenant context.
SET wellness_tenancy.tenant = 'lc_umbrella';
SELECT wt_resume_tenant('lc_acme');
\echo :LAST_ERROR_SQLSTATE
RESET wellness_tenancy.tenant;
SELECT wt_resume_tenant('lc_acme');

-- Rename: the company name changes, the schema and id do not.
SELECT id AS acme_id FROM tenants WHERE schema_name = 'lc_acme' \gset
SELECT wt_rename_tenant('lc_acme', 'Acme Wellbeing GmbH');
SELECT company_name, schema_name, id = :'acme_id' AS same_id FROM tenants WHERE schema_name = 'lc_acme';
SELECT count(*) AS schema_kept FROM pg_namespace WHERE nspname = 'lc_acme';
-- Same name again: nothing to do.
SELECT wt_rename_tenant('lc_acme', 'Acme Wellbeing GmbH');
-- Invalid company names, unknown tenants, NULLs; nothing changes.
SELECT wt_rename_tenant('lc_acme', E'Acme\nWellbeing');
\echo :LAST_ERROR_SQLSTATE
SELECT wt_rename_tenant('lc_acme', '   ');
\echo :LAST_ERROR_SQLSTATE
SELECT wt_rename_tenant('lc_acme', repeat('x', 256));
\echo :LAST_ERROR_SQLSTATE
SELECT wt_rename_tenant('lc_acme', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT wt_rename_tenant('lc_nobody', 'Nobody');
\echo :LAST_ERROR_SQLSTATE
SELECT wt_suspend_tenant('lc_nobody');
\echo :LAST_ERROR_SQLSTATE
SELECT wt_resume_tenant(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT company_name FROM tenants WHERE schema_name = 'lc_acme';

-- A relocated tenant is served elsewhere: suspend and resume refuse it.
UPDATE tenants SET status = 'relocated', placement = 'eu-2' WHERE schema_name = 'lc_umbrella';
SELECT wt_suspend_tenant('lc_umbrella');
\echo :LAST_ERROR_SQLSTATE
SELECT wt_resume_tenant('lc_umbrella');
\echo :LAST_ERROR_SQLSTATE
UPDATE tenants SET status = 'active', placement = NULL WHERE schema_name = 'lc_umbrella';

-- Resuming a tenant whose schema is gone is refused; the registry row stays
-- suspended.
CREATE SCHEMA lc_gone;
INSERT INTO tenants (company_name, schema_name, schema_version, status)
VALUES ('Gone Ltd', 'lc_gone', 2, 'suspended');
DROP SCHEMA lc_gone;
SELECT wt_resume_tenant('lc_gone');
\echo :LAST_ERROR_SQLSTATE
SELECT status FROM tenants WHERE schema_name = 'lc_gone';

-- Drop protection: an active tenant cannot be dropped; suspended, it can.
SELECT wt_drop_tenant('lc_umbrella');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS still_there FROM pg_namespace WHERE nspname = 'lc_umbrella';
SELECT wt_suspend_tenant('lc_umbrella');
SELECT wt_drop_tenant('lc_umbrella');
SELECT count(*) AS schemas FROM pg_namespace WHERE nspname = 'lc_umbrella';
SELECT schema_name, status FROM tenants ORDER BY 1;

-- Administration is not for PUBLIC.
SELECT p.proname, has_function_privilege('wellness_app', p.oid, 'EXECUTE') AS app_may_call
FROM pg_proc p
WHERE p.proname IN ('wt_suspend_tenant', 'wt_resume_tenant', 'wt_rename_tenant')
ORDER BY 1;

\c :regress_db
SET client_min_messages = warning;
DROP DATABASE :case_db;
