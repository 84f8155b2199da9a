-- Indirect paths into another tenant: views, SQL and PL/pgSQL functions
-- (SECURITY DEFINER and dynamic SQL too), DO blocks, triggers, rules,
-- inheritance children, partitions and foreign-key actions, all set up by a
-- DBA without a tenant.  Refused under tenant iso_a, allowed without.
CREATE VIEW iso_a.peek AS SELECT full_name FROM iso_b.employees;
CREATE VIEW public.peek_b AS SELECT full_name FROM iso_b.employees;
CREATE VIEW public.peek_peek AS SELECT * FROM public.peek_b;
CREATE FUNCTION public.count_b_sql() RETURNS bigint LANGUAGE sql STABLE
  AS 'SELECT count(*) FROM iso_b.employees';
CREATE FUNCTION public.count_b_plpgsql() RETURNS bigint LANGUAGE plpgsql
  AS 'BEGIN RETURN (SELECT count(*) FROM iso_b.employees); END';
CREATE FUNCTION public.count_dynamic(schema text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
  EXECUTE format('SELECT count(*) FROM %I.employees', schema) INTO n;
  RETURN n;
END $$;
CREATE FUNCTION public.count_b_definer() RETURNS bigint LANGUAGE sql SECURITY DEFINER
  SET search_path = pg_catalog AS 'SELECT count(*) FROM iso_b.employees';
GRANT EXECUTE ON FUNCTION public.count_b_definer() TO wellness_app;
CREATE FUNCTION public.copy_to_b() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO iso_b.employees (email, full_name) VALUES (NEW.email || '.leak', 'leak');
  RETURN NEW;
END $$;
CREATE TABLE iso_a.signups (email text);
CREATE TRIGGER leak_to_b AFTER INSERT ON iso_a.signups FOR EACH ROW EXECUTE FUNCTION public.copy_to_b();
CREATE TABLE iso_a.notes (body text);
CREATE RULE mirror_to_b AS ON INSERT TO iso_a.notes
  DO ALSO INSERT INTO iso_b.employees (email) VALUES (NEW.body);
CREATE TABLE iso_a.parent (x int);
CREATE TABLE iso_b.child () INHERITS (iso_a.parent);
CREATE TABLE iso_a.measurements (owner text, v int) PARTITION BY LIST (owner);
CREATE TABLE iso_a.measurements_a PARTITION OF iso_a.measurements FOR VALUES IN ('a');
CREATE TABLE iso_b.measurements_b PARTITION OF iso_a.measurements FOR VALUES IN ('b');
CREATE TABLE iso_b.badges (employee_id uuid REFERENCES iso_a.employees (id) ON DELETE CASCADE);
INSERT INTO iso_b.badges SELECT id FROM iso_a.employees;

\pset format unaligned
\pset fieldsep ' | '
SELECT s AS statement, r.*
FROM unnest(ARRAY[
  'SELECT * FROM iso_a.peek',
  'SELECT * FROM public.peek_b',
  'SELECT * FROM public.peek_peek',
  'SELECT public.count_b_sql()',
  'SELECT public.count_b_plpgsql()',
  'SELECT public.count_dynamic(''iso_b'')',
  'SELECT public.count_b_definer()',
  'DO $$ BEGIN PERFORM count(*) FROM iso_b.employees; END $$',
  'DO $$ BEGIN EXECUTE ''DELETE FROM iso_b.wellness_logs''; END $$',
  'INSERT INTO iso_a.signups VALUES (''new@iso-a.example'')',
  'INSERT INTO iso_a.notes VALUES (''rule@iso-b.example'')',
  'SELECT * FROM iso_a.parent',
  'SELECT * FROM iso_a.measurements',
  'INSERT INTO iso_a.measurements VALUES (''b'', 1)',
  'UPDATE iso_a.measurements SET v = v + 1',
  'DELETE FROM iso_a.employees',
  'LOCK TABLE public.peek_b IN ACCESS SHARE MODE',
  'LOCK TABLE public.peek_peek IN ACCESS SHARE MODE'
]) AS s, LATERAL refused_then_allowed(s) AS r;
\pset format aligned

-- What stays inside the tenant keeps working: ONLY the parent, partitions
-- pruned to the tenant's own, its own schema through the dynamic function.
SET wellness_tenancy.tenant = 'iso_a';
SELECT count(*) FROM ONLY iso_a.parent;
SELECT count(*) FROM iso_a.measurements WHERE owner = 'a';
SELECT public.count_dynamic('iso_a');
-- The SECURITY DEFINER function, as the app role, at top level.
SET ROLE wellness_app;
SELECT public.count_b_definer();
RESET ROLE;
RESET wellness_tenancy.tenant;
SET ROLE wellness_app;
SELECT public.count_b_definer();
RESET ROLE;
-- Nothing leaked into iso_b, and the badge of the FK action is still there.
SELECT count(*) AS leaked FROM iso_b.employees WHERE full_name = 'leak' OR email LIKE 'rule@%';
SELECT count(*) AS badges FROM iso_b.badges;
