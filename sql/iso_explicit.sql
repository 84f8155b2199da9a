-- Explicit references to another tenant's relations, in every statement form
-- that reads, writes or locks: refused under tenant iso_a, allowed without a
-- tenant (the control run of refused_then_allowed, see iso_setup).
\pset format unaligned
\pset fieldsep ' | '
SELECT s AS statement, r.*
FROM unnest(ARRAY[
  'SELECT * FROM iso_b.employees',
  'WITH x AS (SELECT * FROM iso_b.employees) SELECT count(*) FROM x',
  'SELECT (SELECT count(*) FROM iso_b.employees)',
  'SELECT * FROM iso_a.employees a WHERE EXISTS (SELECT 1 FROM iso_b.employees b WHERE b.email <> a.email)',
  'SELECT * FROM iso_a.employees a, LATERAL (SELECT * FROM iso_b.employees b WHERE b.id <> a.id) l',
  'SELECT email FROM iso_a.employees UNION SELECT email FROM iso_b.employees',
  'SELECT * FROM iso_b.employees TABLESAMPLE SYSTEM (100)',
  'SELECT * FROM ONLY iso_b.employees',
  'TABLE iso_b.employees',
  'SELECT * FROM iso_b.employees FOR UPDATE',
  'INSERT INTO iso_b.employees (email) VALUES (''planted@iso-b.example'')',
  'INSERT INTO iso_a.employees (email) SELECT email || ''.copy'' FROM iso_b.employees',
  'UPDATE iso_b.employees SET full_name = ''renamed''',
  'UPDATE iso_a.employees a SET full_name = b.full_name FROM iso_b.employees b',
  'DELETE FROM iso_b.wellness_logs',
  'DELETE FROM iso_a.employees WHERE email IN (SELECT email FROM iso_b.employees)',
  'MERGE INTO iso_b.employees t USING iso_a.employees s ON t.email = s.email WHEN NOT MATCHED THEN INSERT (email) VALUES (s.email)',
  'MERGE INTO iso_a.employees t USING iso_b.employees s ON t.email = s.email WHEN NOT MATCHED THEN INSERT (email) VALUES (s.email)',
  'TRUNCATE iso_b.wellness_logs',
  'LOCK TABLE iso_b.employees IN ACCESS SHARE MODE',
  'COPY iso_b.employees TO ''/dev/null''',
  'COPY (SELECT * FROM iso_b.employees) TO ''/dev/null''',
  'COPY iso_b.wellness_logs FROM ''/dev/null''',
  'EXPLAIN SELECT * FROM iso_b.employees',
  'EXPLAIN ANALYZE SELECT * FROM iso_b.employees',
  'CREATE TEMP TABLE stolen AS SELECT * FROM iso_b.employees',
  'CREATE TABLE iso_a.stolen AS SELECT * FROM iso_b.employees',
  'CREATE MATERIALIZED VIEW iso_a.stolen_mv AS SELECT * FROM iso_b.employees'
]) AS s, LATERAL refused_then_allowed(s) AS r;
\pset format aligned

-- At top level, with the full error: the message names the relation's
-- schema and both tenants, with a hint.
SET wellness_tenancy.tenant = 'iso_a';
SELECT full_name FROM iso_b.employees;
COPY iso_b.employees (full_name) TO STDOUT;
SELECT full_name INTO TEMP stolen FROM iso_b.employees;
EXPLAIN (COSTS OFF) SELECT full_name FROM iso_b.employees;
-- The tenant's own schema, public and schemas of no tenant keep working.
SELECT full_name FROM iso_a.employees;
SELECT count(*) FROM shared_ref.activity_types;
SELECT count(*) FROM public.movable;
COPY iso_a.employees (full_name) TO STDOUT;
RESET wellness_tenancy.tenant;
-- Control: the same statements without a tenant.
SELECT full_name FROM iso_b.employees;
COPY iso_b.employees (full_name) TO STDOUT;
SELECT full_name INTO TEMP stolen FROM iso_b.employees;
EXPLAIN (COSTS OFF) SELECT full_name FROM iso_b.employees;
-- Nothing was changed by the refused writes.
SELECT count(*) AS b_employees FROM iso_b.employees;
SELECT count(*) AS b_logs FROM iso_b.wellness_logs;
