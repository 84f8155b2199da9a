-- DDL and maintenance reaching into another tenant's schema: CREATE in,
-- ALTER, SET SCHEMA (either way), DROP, GRANT, COMMENT, default privileges,
-- VACUUM, ANALYZE, REINDEX.  Refused under tenant iso_a, allowed without.
\pset format unaligned
\pset fieldsep ' | '
SELECT s AS statement, r.*
FROM unnest(ARRAY[
  'CREATE TABLE iso_b.planted (x int)',
  'CREATE TABLE iso_b.planted2 (LIKE iso_a.employees)',
  'CREATE VIEW iso_b.planted_view AS SELECT 1 AS one',
  'CREATE SEQUENCE iso_b.planted_seq',
  'CREATE FUNCTION iso_b.planted_fn() RETURNS int LANGUAGE sql AS ''SELECT 1''',
  'CREATE TYPE iso_b.mood AS ENUM (''fine'')',
  'CREATE INDEX ON iso_b.employees (full_name)',
  'CREATE TRIGGER t BEFORE INSERT ON iso_b.employees FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger()',
  'CREATE RULE r AS ON INSERT TO iso_b.employees DO INSTEAD NOTHING',
  'CREATE POLICY p ON iso_b.employees USING (true)',
  'ALTER TABLE iso_b.employees ADD COLUMN planted int',
  'ALTER TABLE iso_b.employees RENAME TO people',
  'ALTER TABLE iso_b.employees ENABLE ROW LEVEL SECURITY',
  'ALTER TABLE iso_b.employees OWNER TO wellness_app',
  'ALTER SEQUENCE iso_b.counter RESTART WITH 100',
  'ALTER VIEW iso_b.headcount RENAME TO hc',
  'ALTER TABLE public.movable SET SCHEMA iso_b',
  'ALTER TABLE iso_b.headcount SET SCHEMA public',
  'ALTER SCHEMA iso_b RENAME TO iso_c',
  'ALTER SCHEMA iso_b OWNER TO wellness_app',
  'DROP TABLE iso_b.wellness_logs',
  'DROP VIEW iso_b.headcount',
  'DROP SEQUENCE iso_b.counter',
  'DROP SCHEMA iso_b CASCADE',
  'DROP INDEX iso_b.wellness_logs_employee_id_idx',
  'GRANT SELECT ON iso_b.employees TO PUBLIC',
  'REVOKE SELECT ON iso_b.employees FROM wellness_app',
  'GRANT SELECT ON ALL TABLES IN SCHEMA iso_b TO PUBLIC',
  'GRANT USAGE ON SCHEMA iso_b TO PUBLIC',
  'ALTER DEFAULT PRIVILEGES IN SCHEMA iso_b GRANT SELECT ON TABLES TO PUBLIC',
  'COMMENT ON TABLE iso_b.employees IS ''planted''',
  'COMMENT ON COLUMN iso_b.employees.email IS ''planted''',
  'COMMENT ON SCHEMA iso_b IS ''planted''',
  'ANALYZE iso_b.employees',
  'REINDEX TABLE iso_b.employees',
  'REINDEX INDEX iso_b.employees_pkey',
  'CLUSTER iso_b.employees USING employees_pkey'
]) AS s, LATERAL refused_then_allowed(s) AS r;
\pset format aligned

-- Statements that cannot run inside a function, at top level.
SET wellness_tenancy.tenant = 'iso_a';
VACUUM iso_b.employees;
VACUUM (ANALYZE) iso_b.wellness_logs;
VACUUM;
ANALYZE;
REINDEX SCHEMA iso_b;
-- ... while the tenant's own tables are maintained normally.
VACUUM iso_a.employees;
REINDEX SCHEMA iso_a;
RESET wellness_tenancy.tenant;
-- Control: the same without a tenant.
VACUUM iso_b.employees;
VACUUM (ANALYZE) iso_b.wellness_logs;
VACUUM;
ANALYZE;
REINDEX SCHEMA iso_b;
-- The refused DDL changed nothing.
SELECT count(*) AS iso_b_relations FROM pg_class WHERE relnamespace = 'iso_b'::regnamespace;
SELECT obj_description('iso_b'::regnamespace, 'pg_namespace') AS schema_comment;
