-- Consistency: wt_tenant_drift() returns no rows when registry and catalog
-- agree, and one row for each kind of drift: missing schema, missing and
-- extra template table, missing grant (schema, table, sequence, default
-- privileges), an unregistered schema
-- that looks like a tenant, a tenant behind on migrations, a missing app
-- role; drift accepted as intended (wt_accept_drift) is left out.  Runs in
-- a database of its own, so that "no rows" means the whole
-- database.
\set case_db ops_drift_db
\i sql/include/case_database.psql

-- No tenants, no drift.  A migration of the DBA's own (version 2, above the
-- case study's template), so that a tenant can be behind; tenants just
-- created are at it, no drift.
SELECT * FROM wt_tenant_drift();
SELECT wt_add_migration(2, 'index on activity type',
                        'CREATE INDEX wellness_logs_activity_type_idx ON wellness_logs (activity_type)');
SELECT count(wt_create_tenant(format('Drift %s', i), format('dr_%s', i))) AS tenants
FROM generate_series(1, 9) i;
SELECT * FROM wt_tenant_drift();
-- Tables and sequences the DBA adds later are covered by default privileges:
-- still no drift about grants (an extra table is drift of another kind).
CREATE SEQUENCE dr_1.badge_numbers;
SELECT * FROM wt_tenant_drift();
DROP SEQUENCE dr_1.badge_numbers;

-- One drift of each kind.
DROP SCHEMA dr_1 CASCADE;                                          -- missing schema
DROP TABLE dr_2.wellness_logs;                                     -- missing template table
CREATE TABLE dr_3.step_counts (day date PRIMARY KEY, steps int);   -- extra table
REVOKE USAGE ON SCHEMA dr_4 FROM wellness_app;                     -- missing grants
REVOKE INSERT, DELETE ON dr_5.employees FROM wellness_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA dr_6 REVOKE ALL ON TABLES FROM wellness_app;
SELECT wt_suspend_tenant('dr_7');                                  -- not drift: a
REVOKE USAGE ON SCHEMA dr_7 FROM wellness_app;                     -- held tenant
CREATE SCHEMA lookalike;                                           -- unregistered
CREATE TABLE lookalike.employees (id int);
CREATE TABLE lookalike.wellness_logs (id int);
CREATE SCHEMA reporting;                                           -- not a tenant:
CREATE TABLE reporting.employees (id int);                         -- only one of
UPDATE tenants SET schema_version = 1 WHERE schema_name = 'dr_8';  -- behind
UPDATE tenants SET schema_version = 99 WHERE schema_name = 'dr_9'; -- unknown version
SELECT * FROM wt_tenant_drift();

-- Drift marked as intended: an accepted row is left out, with its reason
-- kept; taken back, it is reported again.
SELECT wt_accept_drift('dr_3', 'extra table', 'step counter of the pilot, owned by the DBA') AS accepted;
SELECT wt_accept_drift('dr_5', 'missing grant', 'this client reports only',
                       'INSERT, DELETE on table dr_5.employees for role wellness_app') AS accepted;
SELECT * FROM wt_tenant_drift() WHERE schema_name IN ('dr_3', 'dr_5');
SELECT schema_name, problem, detail, reason, accepted_by FROM tenant_drift_accepted ORDER BY 1;
-- Acceptance covers exactly what was accepted: another extra table is reported.
CREATE TABLE dr_3.heart_rates (at timestamptz PRIMARY KEY, bpm int);
SELECT * FROM wt_tenant_drift() WHERE schema_name = 'dr_3';
DROP TABLE dr_3.heart_rates;
-- Only what is reported now (not a tenant without that drift, not what is
-- accepted already), and only with a reason.
SELECT wt_accept_drift('dr_4', 'extra table', 'nothing of the kind');
SELECT wt_accept_drift('dr_3', 'extra table', 'accepted already');
SELECT wt_accept_drift('lookalike', 'unregistered schema', ' ');
-- Taken back: reported again.
SELECT wt_unaccept_drift('dr_3') AS unaccepted;
SELECT * FROM wt_tenant_drift() WHERE schema_name = 'dr_3';
SELECT wt_accept_drift('dr_3', 'extra table', 'step counter of the pilot, owned by the DBA') AS accepted;

-- An app role that does not exist is one problem, not one per tenant or table.
SET wellness_tenancy.app_role = 'no_such_role';
SELECT * FROM wt_tenant_drift() WHERE schema_name IS NULL;
SELECT count(*) AS grant_problems FROM wt_tenant_drift() WHERE problem LIKE '%grant%' OR problem LIKE '%reachable%';
RESET wellness_tenancy.app_role;

-- Relocated tenants live elsewhere: their missing schema is not drift.
UPDATE tenants SET status = 'relocated', placement = 'eu-2' WHERE schema_name = 'dr_1';
SELECT count(*) AS dr_1_problems FROM wt_tenant_drift() WHERE schema_name = 'dr_1';

-- The check builds the template in a scratch schema and rolls it back.
SELECT count(*) AS scratch_schemas FROM pg_namespace WHERE nspname LIKE 'wt_template_check_%';
-- A template that cannot be built any more is drift too.
UPDATE tenant_migrations SET ddl = 'CREATE TABLE employees (id int)' WHERE version = 2;
SELECT * FROM wt_tenant_drift() WHERE schema_name IS NULL;

-- Not from tenant context, and not for PUBLIC.
SET wellness_tenancy.tenant = 'dr_3';
SELECT * FROM wt_tenant_drift();
\echo :LAST_ERROR_SQLSTATE
RESET wellness_tenancy.tenant;
SELECT has_function_privilege('wellness_app', 'wt_tenant_drift()', 'EXECUTE') AS app_may_call;
-- Accepting and taking back drift: not from tenant context (the control: the
-- same call without a tenant works), not for PUBLIC.
SET wellness_tenancy.tenant = 'dr_3';
SELECT wt_unaccept_drift('dr_3');
\echo :LAST_ERROR_SQLSTATE
SELECT wt_accept_drift('dr_4', 'missing grant', 'intended');
\echo :LAST_ERROR_SQLSTATE
RESET wellness_tenancy.tenant;
SELECT wt_unaccept_drift('dr_3') AS unaccepted;
SELECT has_function_privilege('wellness_app', 'wt_accept_drift(text, text, text, text)', 'EXECUTE') AS app_may_accept,
       has_function_privilege('wellness_app', 'wt_unaccept_drift(text, text, text)', 'EXECUTE') AS app_may_unaccept,
       has_table_privilege('wellness_app', 'tenant_drift_accepted', 'SELECT') AS app_may_read;
-- A dropped tenant's accepted drift goes with it.
SELECT wt_suspend_tenant('dr_5');
SELECT wt_drop_tenant('dr_5');
SELECT count(*) AS dr_5_accepted FROM tenant_drift_accepted WHERE schema_name = 'dr_5';

\c :regress_db
SET client_min_messages = warning;
DROP DATABASE :case_db;
