-- Data portability: wt_export_tenant() returns one tenant's registry row and
-- every table of its schema (DBA-added tables included) as JSON, rows ordered
-- by primary key; isolation applies to it like to any query.
-- Uses tenants ex_* of its own and drops them at the end.
\set VERBOSITY terse
SET client_min_messages = warning;
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'wellness_app') THEN
    CREATE ROLE wellness_app LOGIN;
  END IF;
END $$;
SET client_min_messages = notice;

SELECT wt_create_tenant('Export Me GmbH', 'ex_portable') IS NOT NULL AS created,
       wt_create_tenant('Other AG', 'ex_other') IS NOT NULL AS created;
INSERT INTO ex_portable.employees (id, email, full_name) VALUES
    ('00000000-0000-0000-0000-000000000002', 'bo@export.example', 'Bo'),
    ('00000000-0000-0000-0000-000000000001', 'al@export.example', 'Al');
INSERT INTO ex_portable.wellness_logs (employee_id, activity_type, duration_minutes, log_date, notes)
VALUES ('00000000-0000-0000-0000-000000000001', 'yoga', 45, '2024-03-01', 'lunch class'),
       ('00000000-0000-0000-0000-000000000002', 'run', 30, '2024-03-02', NULL);
CREATE TABLE ex_portable.step_counts (day date PRIMARY KEY, steps int);
INSERT INTO ex_portable.step_counts VALUES ('2024-03-01', 8000);
INSERT INTO ex_other.employees (email) VALUES ('secret@other.example');

SELECT wt_export_tenant('ex_portable') AS doc \gset
SELECT jsonb_typeof(:'doc'::jsonb) AS type,
       :'doc'::jsonb ->> 'format' AS format,
       (:'doc'::jsonb ->> 'exported_at')::timestamptz <= now() AS exported_at_valid;
SELECT key, value FROM jsonb_each(:'doc'::jsonb -> 'tenant') WHERE key NOT IN ('id', 'created_at') ORDER BY key;
SELECT (:'doc'::jsonb -> 'tenant' ->> 'id')::uuid = id AS registry_id FROM tenants WHERE schema_name = 'ex_portable';
SELECT key AS table_name, jsonb_array_length(value) AS rows
FROM jsonb_each(:'doc'::jsonb -> 'tables') ORDER BY key;
-- Rows by primary key, every column, NULLs kept.
SELECT e ->> 'id' AS id, e ->> 'email' AS email, e ->> 'full_name' AS full_name
FROM jsonb_array_elements(:'doc'::jsonb -> 'tables' -> 'employees') e;
SELECT l ->> 'activity_type' AS activity, l ->> 'duration_minutes' AS minutes, l ->> 'log_date' AS day,
       l -> 'notes' AS notes, l ->> 'employee_id' AS employee_id
FROM jsonb_array_elements(:'doc'::jsonb -> 'tables' -> 'wellness_logs') l
ORDER BY l ->> 'log_date';
SELECT :'doc'::jsonb -> 'tables' -> 'step_counts' AS step_counts;
-- Nothing of the other tenant.
SELECT position('secret@other.example' IN :'doc') AS other_tenant_data;

-- An empty tenant exports empty arrays.
SELECT wt_export_tenant('ex_other') -> 'tables' -> 'wellness_logs' AS empty_logs;

-- Isolation applies: in a tenant's context only its own export works.
SET wellness_tenancy.tenant = 'ex_portable';
SELECT jsonb_array_length(wt_export_tenant('ex_portable') -> 'tables' -> 'employees') AS own_export;
-- (the isolation error itself is the isolation cases' to show: SQLSTATE only)
\set VERBOSITY sqlstate
SELECT wt_export_tenant('ex_other');
\set VERBOSITY terse
RESET wellness_tenancy.tenant;

-- Unknown, NULL, relocated, missing schema.
SELECT wt_export_tenant('ex_nobody');
\echo :LAST_ERROR_SQLSTATE
SELECT wt_export_tenant(NULL);
\echo :LAST_ERROR_SQLSTATE
UPDATE tenants SET status = 'relocated', placement = 'eu-2' WHERE schema_name = 'ex_other';
SELECT wt_export_tenant('ex_other');
\echo :LAST_ERROR_SQLSTATE
UPDATE tenants SET status = 'active', placement = NULL WHERE schema_name = 'ex_other';
CREATE SCHEMA ex_gone;
INSERT INTO tenants (company_name, schema_name, schema_version) VALUES ('Gone', 'ex_gone', 1);
DROP SCHEMA ex_gone;
SELECT wt_export_tenant('ex_gone');
\echo :LAST_ERROR_SQLSTATE

-- Not for PUBLIC.
SELECT has_function_privilege('wellness_app', 'wt_export_tenant(text)', 'EXECUTE') AS app_may_call;

-- Clean up.
SET client_min_messages = warning;
SELECT count(wt_suspend_tenant(s)) FROM unnest(ARRAY['ex_portable', 'ex_other', 'ex_gone']) s;
SELECT count(wt_drop_tenant(s)) FROM unnest(ARRAY['ex_portable', 'ex_other', 'ex_gone']) s;
SELECT count(*) AS left_behind FROM tenants WHERE schema_name LIKE 'ex\_%';
