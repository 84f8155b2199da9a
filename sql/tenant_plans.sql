-- Tenant plans: an SQL prepared statement executed under several tenants
-- keeps one plan per tenant (wellness_tenancy.tenant_plans) instead of being
-- analysed and planned again at every switch.  Each tenant's plan is its
-- own (different statistics, different indexes, different plans), PostgreSQL's
-- invalidation keeps working on each (DDL, ANALYZE, a dropped column), the
-- copies are bounded and dropped with their statement, and the executor's
-- check still refuses a plan that reaches another tenant.
\set VERBOSITY terse
SELECT wt_create_tenant('Plan X', 'plan_x') IS NOT NULL AS x, wt_create_tenant('Plan Y', 'plan_y') IS NOT NULL AS y;
INSERT INTO plan_x.employees (email, full_name)
SELECT 'x' || i || '@x.example', 'X ' || i FROM generate_series(1, 2000) i;
INSERT INTO plan_y.employees (email, full_name) VALUES ('y1@y.example', 'Y 1'), ('y2@y.example', 'Y 2');
CREATE INDEX plan_x_by_name ON plan_x.employees (full_name);
ANALYZE plan_x.employees;
ANALYZE plan_y.employees;
-- One statement for every tenant, prepared once (as a pooled application
-- prepares it); tenants switch at every execution.
SET wellness_tenancy.shared_prepared_statements = on;
SELECT wt_set_tenant('plan_x');
PREPARE by_name(text) AS SELECT email FROM employees WHERE full_name = $1;
EXECUTE by_name('X 7');
SELECT wt_set_tenant('plan_y');
EXECUTE by_name('Y 2');
SELECT wt_set_tenant('plan_x');
EXECUTE by_name('X 8');
SELECT wt_set_tenant('plan_y');
EXECUTE by_name('Y 1');
-- Each tenant has its plan: plan_x, where it was prepared, the statement's
-- own; plan_y a copy (a tenant session sees only its own copies) ...
SELECT statement, tenant, custom_plans, valid FROM wt_tenant_plans();
RESET wellness_tenancy.tenant;
SELECT statement, tenant, custom_plans, valid FROM wt_tenant_plans() ORDER BY tenant;
-- ... and they differ: plan_x has an index and 2,000 rows, plan_y neither.
SELECT wt_set_tenant('plan_x');
EXPLAIN (COSTS OFF) EXECUTE by_name('X 9');
SELECT wt_set_tenant('plan_y');
EXPLAIN (COSTS OFF) EXECUTE by_name('Y 1');
-- DDL invalidates: plan_x's index goes, plan_x plans again; plan_y's plan
-- is untouched.
RESET wellness_tenancy.tenant;
DROP INDEX plan_x.plan_x_by_name;
SELECT wt_set_tenant('plan_x');
EXPLAIN (COSTS OFF) EXECUTE by_name('X 9');
EXECUTE by_name('X 9');
-- ANALYZE invalidates: plan_y grows, gets an index and new statistics.
RESET wellness_tenancy.tenant;
INSERT INTO plan_y.employees (email, full_name)
SELECT 'y' || i || '@y.example', 'Y ' || i FROM generate_series(3, 3000) i;
CREATE INDEX plan_y_by_name ON plan_y.employees (full_name);
ANALYZE plan_y.employees;
SELECT wt_set_tenant('plan_y');
EXPLAIN (COSTS OFF) EXECUTE by_name('Y 2999');
EXECUTE by_name('Y 2999');
-- A dropped column: PostgreSQL's own rule (a cached plan must not change
-- its result type) holds for the tenant whose table changed; the other
-- tenant's plan keeps working.
RESET wellness_tenancy.tenant;
CREATE TABLE plan_x.notes (n integer, t text);
CREATE TABLE plan_y.notes (n integer, t text);
INSERT INTO plan_x.notes VALUES (1, 'x note');
INSERT INTO plan_y.notes VALUES (1, 'y note');
SELECT wt_set_tenant('plan_x');
PREPARE whole_row AS SELECT * FROM notes ORDER BY n LIMIT 1;
EXECUTE whole_row;
SELECT wt_set_tenant('plan_y');
EXECUTE whole_row;
RESET wellness_tenancy.tenant;
ALTER TABLE plan_y.notes DROP COLUMN t;
SELECT wt_set_tenant('plan_y');
EXECUTE whole_row;
SELECT wt_set_tenant('plan_x');
EXECUTE whole_row;
RESET wellness_tenancy.tenant;
-- The fail-closed net.  With the same explicit search_path under both
-- tenants, PostgreSQL does not analyse the statement again for plan_y: the
-- copy made for plan_y holds plan_x's query tree, and its plan reads
-- plan_x's table.  The executor's check refuses it.  (Under tenants' own
-- paths the statement is analysed again and refused at parse time.)
SET wellness_tenancy.tenant = 'plan_x';
SET search_path = public;
PREPARE x_only AS SELECT count(*) FROM plan_x.employees;
EXECUTE x_only;
SET wellness_tenancy.tenant = 'plan_y';
SET search_path = public;
EXECUTE x_only;
SELECT wt_set_tenant('plan_y');
EXECUTE x_only;
RESET wellness_tenancy.tenant;
RESET search_path;
-- Bounded: with room for one plan, the least recently used goes.
SET wellness_tenancy.tenant_plans = 1;
SELECT wt_set_tenant('plan_x');
EXECUTE by_name('X 1');
SELECT wt_set_tenant('plan_y');
EXECUTE by_name('Y 1');
RESET wellness_tenancy.tenant;
SELECT statement, tenant FROM wt_tenant_plans();
RESET wellness_tenancy.tenant_plans;
-- DEALLOCATE drops the statement's plans; a statement prepared again under
-- the same name is the new one under every tenant.
SELECT wt_set_tenant('plan_x');
EXECUTE by_name('X 2');
RESET wellness_tenancy.tenant;
DEALLOCATE by_name;
SELECT count(*) AS by_name_plans FROM wt_tenant_plans() WHERE statement = 'by_name';
PREPARE by_name(text) AS SELECT 'prepared again: ' || $1 AS answer;
SELECT wt_set_tenant('plan_x');
EXECUTE by_name('X 2');
-- DISCARD ALL drops every statement and every plan.
RESET wellness_tenancy.tenant;
DISCARD ALL;
SELECT count(*) AS plans_after_discard FROM wt_tenant_plans();
-- A statement deallocated by a function while it runs: PostgreSQL reports
-- it missing once the function has dropped it (as it does without
-- per-tenant plans, and without a tenant); the tenant's copy goes with it.
SET wellness_tenancy.shared_prepared_statements = on;
CREATE FUNCTION public.deallocate_self() RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE 'DEALLOCATE self_dropping';
    RETURN 'deallocated while running';
END $$;
SELECT wt_set_tenant('plan_x');
PREPARE self_dropping AS SELECT public.deallocate_self() AS result, count(*) AS rows FROM employees;
SELECT wt_set_tenant('plan_y');
EXECUTE self_dropping;
EXECUTE self_dropping;
RESET wellness_tenancy.tenant;
SELECT count(*) AS plans_left FROM wt_tenant_plans();
DROP FUNCTION public.deallocate_self();
-- Off: PostgreSQL's own behaviour, no per-tenant plans.
SET wellness_tenancy.tenant_plans = 0;
SELECT wt_set_tenant('plan_y');
PREPARE plain AS SELECT count(*) FROM employees;
SELECT wt_set_tenant('plan_x');
EXECUTE plain;
RESET wellness_tenancy.tenant;
SELECT count(*) AS plans_when_off FROM wt_tenant_plans();
RESET wellness_tenancy.tenant_plans;
RESET wellness_tenancy.shared_prepared_statements;
DEALLOCATE ALL;
SELECT wt_suspend_tenant('plan_x') IS NOT NULL AS x, wt_suspend_tenant('plan_y') IS NOT NULL AS y;
SELECT wt_drop_tenant('plan_x') IS NOT NULL AS x, wt_drop_tenant('plan_y') IS NOT NULL AS y;
