-- Session objects of a pooled connection (after iso_setup).  One server
-- connection serves tenant iso_b's client, then tenant iso_a's: what the
-- first left behind -- temporary tables, views, sequences, indexes and
-- functions, SQL prepared statements, WITH HOLD cursors -- is refused to any
-- other tenant context (42501), readable again under iso_b (its own use,
-- also across SET LOCAL transactions), and readable by a DBA without a
-- tenant (the control: the objects really hold iso_b's data).
\set VERBOSITY terse
SET wellness_tenancy.tenant = 'iso_b';
CREATE TEMP TABLE b_scratch AS SELECT email FROM iso_b.employees;
CREATE INDEX b_scratch_email ON b_scratch (email);
CREATE TEMP VIEW b_scratch_view AS SELECT email FROM b_scratch;
CREATE TEMP SEQUENCE b_seq START 7001;
SELECT nextval('b_seq');
-- A function body and a statement text can carry data, too: written here
-- from iso_b's rows by dynamic SQL, as injected SQL would.
DO $$ BEGIN
  EXECUTE format('CREATE FUNCTION pg_temp.b_note() RETURNS text LANGUAGE sql AS %L',
                 format('SELECT %L::text', (SELECT email FROM iso_b.employees LIMIT 1)));
  EXECUTE format('PREPARE b_stmt AS SELECT %L::text AS carried', (SELECT email FROM iso_b.employees LIMIT 1));
END $$;
BEGIN;
DECLARE b_held CURSOR WITH HOLD FOR SELECT email FROM iso_b.employees;
COMMIT;
RESET wellness_tenancy.tenant;

-- Refused under tenant iso_a; the control run without a tenant reaches them.
\pset format unaligned
\pset fieldsep ' | '
SELECT s AS statement, r.*
FROM unnest(ARRAY[
  'SELECT email FROM b_scratch',
  'SELECT email FROM b_scratch_view',
  'SELECT email FROM b_scratch WHERE email = ''b1@iso-b.example''',
  'SELECT nextval(''b_seq'')',
  'SELECT pg_temp.b_note()',
  'EXECUTE b_stmt',
  'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) EXECUTE b_stmt',
  'CREATE TEMP TABLE copied AS EXECUTE b_stmt',
  'FETCH b_held',
  'TRUNCATE b_scratch',
  'INSERT INTO b_scratch VALUES (''planted by a'')'
]) AS s, LATERAL refused_then_allowed(s) AS r;
\pset format aligned

-- The held cursor's rows sit in its portal, outside the executor:
-- cursor_to_xml() and PL/pgSQL FETCH find it unusable under iso_a (its
-- portal "cannot be run", SQLSTATE 55000).
SET wellness_tenancy.tenant = 'iso_a';
SELECT cursor_to_xml('b_held', 1, false, false, '');
DO $$ DECLARE r refcursor := 'b_held'; v text; BEGIN FETCH r INTO v; RAISE NOTICE 'got %', v; END $$;
-- A tenant-less session of an enforced role (require_tenant) is refused too.
RESET wellness_tenancy.tenant;
SET wellness_tenancy.require_tenant = on;
SELECT email FROM b_scratch;
SELECT pg_temp.b_note();
EXECUTE b_stmt;
FETCH b_held;
RESET wellness_tenancy.require_tenant;

-- Guard: iso_b's own use keeps working, across transactions with SET LOCAL
-- (the tenant is unset between them).  The control FETCH above moved the
-- cursor (cursor positions are not transactional): rewind it first.
BEGIN;
SET LOCAL wellness_tenancy.tenant = 'iso_b';
MOVE ABSOLUTE 0 IN b_held;
COMMIT;
BEGIN;
SET LOCAL wellness_tenancy.tenant = 'iso_b';
SELECT email FROM b_scratch_view;
SELECT nextval('b_seq');
SELECT pg_temp.b_note();
EXECUTE b_stmt;
FETCH b_held;
COMMIT;
BEGIN;
SET LOCAL wellness_tenancy.tenant = 'iso_b';
SELECT cursor_to_xml('b_held', 1, false, false, '') IS NOT NULL AS held_cursor_readable;
MOVE ABSOLUTE 0 IN b_held;
COMMIT;

-- Statements prepared without a tenant carry no tenant's data: any tenant
-- executes them, and they resolve in the tenant in force.
PREPARE shared_count AS SELECT count(*) FROM shared_ref.activity_types;
BEGIN;
SET LOCAL wellness_tenancy.tenant = 'iso_a';
EXECUTE shared_count;
COMMIT;
-- An application that prepares once and executes in every tenant's
-- transaction opts in (superuser-only setting).
SET wellness_tenancy.shared_prepared_statements = on;
SET wellness_tenancy.tenant = 'iso_a';
EXECUTE b_stmt;
RESET wellness_tenancy.tenant;
RESET wellness_tenancy.shared_prepared_statements;
SET ROLE wellness_app;
SET wellness_tenancy.shared_prepared_statements = on;
RESET ROLE;

-- A statement re-prepared under the same name by iso_a is iso_a's.
SET wellness_tenancy.tenant = 'iso_a';
DEALLOCATE b_stmt;
PREPARE b_stmt AS SELECT 'prepared by iso_a'::text;
EXECUTE b_stmt;
RESET wellness_tenancy.tenant;

CLOSE b_held;
DEALLOCATE ALL;
DISCARD TEMP;
