-- Fixture for the iso_* cases (they run after this one, in this database):
-- tenants iso_a and iso_b with a row each, objects of several kinds in iso_b,
-- a schema that belongs to no tenant, and refused_then_allowed(), which runs
-- one statement twice: under tenant iso_a (it must be refused with 42501) and
-- without a tenant (it must succeed: the control run that proves the refused
-- path is real).  The control run is rolled back, so destructive statements
-- can be tested too.
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'wellness_app') THEN
    CREATE ROLE wellness_app LOGIN;
  END IF;
END $$;
SELECT wt_create_tenant('Iso A', 'iso_a') IS NOT NULL AS a, wt_create_tenant('Iso B', 'iso_b') IS NOT NULL AS b;
INSERT INTO iso_a.employees (email, full_name) VALUES ('a1@iso-a.example', 'iso_a');
INSERT INTO iso_b.employees (email, full_name) VALUES ('b1@iso-b.example', 'iso_b');
INSERT INTO iso_b.wellness_logs (employee_id, activity_type, duration_minutes, log_date)
SELECT id, 'swim', 40, '2026-11-03' FROM iso_b.employees;
CREATE SEQUENCE iso_b.counter;
CREATE VIEW iso_b.headcount AS SELECT count(*) AS n FROM iso_b.employees;
CREATE SCHEMA shared_ref;
CREATE TABLE shared_ref.activity_types (name text PRIMARY KEY);
INSERT INTO shared_ref.activity_types VALUES ('run'), ('swim'), ('yoga');
GRANT USAGE ON SCHEMA shared_ref TO wellness_app;
GRANT SELECT ON shared_ref.activity_types TO wellness_app;
CREATE TABLE public.movable (x int);

CREATE FUNCTION public.refused_then_allowed(stmt text, tenant text DEFAULT 'iso_a')
RETURNS TABLE (under_tenant text, without_tenant text)
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('wellness_tenancy.tenant', tenant, true);
  BEGIN
    EXECUTE stmt;
    under_tenant := 'NOT REFUSED';
  EXCEPTION WHEN insufficient_privilege THEN
    under_tenant := 'refused: ' || SQLERRM;
  END;
  PERFORM set_config('wellness_tenancy.tenant', '', true);
  BEGIN
    EXECUTE stmt;
    RAISE EXCEPTION USING ERRCODE = 'WT000', MESSAGE = 'undo the control run';
  EXCEPTION
    WHEN SQLSTATE 'WT000' THEN without_tenant := 'ok';
    WHEN OTHERS THEN without_tenant := 'FAILED ' || SQLSTATE || ': ' || SQLERRM;
  END;
  RETURN NEXT;
END $$;

-- The fixture itself: both tenants are readable without a tenant set.
SELECT full_name FROM iso_a.employees UNION ALL SELECT full_name FROM iso_b.employees ORDER BY 1;
