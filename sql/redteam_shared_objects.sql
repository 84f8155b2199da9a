-- Shared objects that reach into a tenant (after iso_setup).  A DBA creates
-- objects in public that lead to iso_b's data without naming iso_b's schema
-- in the statement: iso_b's functions as column defaults and inside views
-- (SQL functions that would be inlined, IMMUTABLE ones that would be folded
-- into a cached plan), a materialized view over iso_b, iso_b's TOAST table,
-- a partitioned parent with a partition in iso_b.  Each is refused under
-- tenant iso_a (42501); the control run without a tenant reaches the data;
-- iso_a's own use of the same shared objects works.
\set VERBOSITY terse
CREATE FUNCTION iso_b.first_email() RETURNS text LANGUAGE sql STABLE
  AS $$ SELECT email FROM iso_b.employees ORDER BY id LIMIT 1 $$;
CREATE FUNCTION iso_b.motto() RETURNS text LANGUAGE sql IMMUTABLE
  AS $$ SELECT 'motto of iso_b'::text $$;
CREATE FUNCTION iso_b.rows() RETURNS SETOF text LANGUAGE sql STABLE
  AS $$ SELECT email FROM iso_b.employees $$;
CREATE TABLE public.notes (id serial, author text DEFAULT iso_b.first_email(), body text);
CREATE VIEW public.v_first AS SELECT iso_b.first_email() AS email;
CREATE VIEW public.v_motto AS SELECT iso_b.motto() AS motto;
CREATE VIEW public.v_rows AS SELECT * FROM iso_b.rows() AS r(email);
CREATE MATERIALIZED VIEW public.mv_b AS SELECT email FROM iso_b.employees;
CREATE MATERIALIZED VIEW public.mv_mv_b AS SELECT email FROM public.mv_b;
CREATE MATERIALIZED VIEW public.mv_a AS SELECT email FROM iso_a.employees;
CREATE TABLE iso_b.docs (body text);
INSERT INTO iso_b.docs SELECT string_agg(md5(i::text), '') FROM generate_series(1, 400) i;
ALTER TABLE iso_b.docs ALTER body SET STORAGE EXTERNAL;
UPDATE iso_b.docs SET body = body || 'x';
CREATE TABLE public.visits (tenant text, note text) PARTITION BY LIST (tenant);
CREATE INDEX ON public.visits (note);
CREATE TABLE iso_a.visits_a PARTITION OF public.visits FOR VALUES IN ('iso_a');
CREATE TABLE iso_b.visits_b PARTITION OF public.visits FOR VALUES IN ('iso_b');
CREATE TABLE public.legacy (note text);
CREATE TABLE iso_b.legacy_b () INHERITS (public.legacy);
INSERT INTO public.visits VALUES ('iso_a', 'a visit'), ('iso_b', 'b visit');

\pset format unaligned
\pset fieldsep ' | '
SELECT s AS statement, r.*
FROM unnest(ARRAY[
  'INSERT INTO public.notes (body) VALUES (''hello'')',
  'SELECT email FROM public.v_first',
  'SELECT motto FROM public.v_motto',
  'SELECT email FROM public.v_rows',
  'SELECT email FROM public.mv_b',
  'SELECT email FROM public.mv_mv_b',
  'REFRESH MATERIALIZED VIEW public.mv_b',
  'LOCK TABLE public.visits',
  'LOCK TABLE public.legacy',
  'ANALYZE public.visits',
  'ANALYZE public.legacy',
  'SELECT note FROM public.visits'
]) AS s, LATERAL refused_then_allowed(s) AS r;
-- TOAST: a superuser with a tenant set reads iso_b.docs' TOAST table.
SELECT 'SELECT count(*) FROM pg_toast.pg_toast_<iso_b.docs>' AS statement, r.*
FROM refused_then_allowed(format('SELECT count(*) FROM %s',
       (SELECT reltoastrelid::regclass FROM pg_class WHERE oid = 'iso_b.docs'::regclass))) AS r;
\pset format aligned

-- VACUUM and REINDEX of a partitioned table cannot run in a transaction
-- block: under iso_a, then the control.
SET wellness_tenancy.tenant = 'iso_a';
VACUUM public.visits;
VACUUM public.legacy;
REINDEX TABLE public.visits;
RESET wellness_tenancy.tenant;
VACUUM public.visits;
VACUUM public.legacy;
REINDEX TABLE public.visits;

-- A plan made without a tenant, with iso_b's IMMUTABLE function folded into
-- a constant, is made again (and refused) under iso_a; the same through a
-- PL/pgSQL function's cached plan.
CREATE FUNCTION public.get_motto() RETURNS text LANGUAGE plpgsql
  AS $$ BEGIN RETURN (SELECT motto FROM public.v_motto); END $$;
PREPARE motto AS SELECT motto FROM public.v_motto;
EXECUTE motto;
SELECT public.get_motto();
SET wellness_tenancy.tenant = 'iso_a';
EXECUTE motto;
SELECT public.get_motto();
SET wellness_tenancy.tenant = 'iso_b';
EXECUTE motto;   -- iso_b's own function, under iso_b
SELECT public.get_motto();
RESET wellness_tenancy.tenant;
DEALLOCATE motto;

-- Guard: iso_a's own use of the shared objects.
BEGIN;
SET LOCAL wellness_tenancy.tenant = 'iso_a';
SELECT email FROM public.mv_a;
REFRESH MATERIALIZED VIEW public.mv_a;
LOCK TABLE ONLY public.visits;
LOCK TABLE ONLY public.legacy;
SELECT note FROM iso_a.visits_a;
INSERT INTO iso_a.visits_a VALUES ('iso_a', 'another a visit');
COMMIT;
SET wellness_tenancy.tenant = 'iso_a';
ANALYZE iso_a.visits_a;
RESET wellness_tenancy.tenant;

DROP TABLE public.notes, public.legacy, iso_b.legacy_b, public.visits, iso_b.docs;
DROP MATERIALIZED VIEW public.mv_mv_b, public.mv_b, public.mv_a;
DROP VIEW public.v_first, public.v_motto, public.v_rows;
DROP FUNCTION public.get_motto(), iso_b.first_email(), iso_b.motto(), iso_b.rows();
