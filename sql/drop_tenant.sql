-- Offboarding: wt_drop_tenant removes the schema and the registry row
-- together, only for suspended tenants, and touches nothing else.
-- Uses initech and globex_corporation from provisioning.

-- An active tenant is protected against accidents.
SELECT wt_drop_tenant('initech');
UPDATE tenants SET status = 'suspended' WHERE schema_name = 'initech';
SELECT wt_drop_tenant('initech');
SELECT count(*) AS schemas FROM pg_namespace WHERE nspname = 'initech';
SELECT count(*) AS registry_rows FROM tenants WHERE schema_name = 'initech';

-- Unknown tenants and NULL.
SELECT wt_drop_tenant('no_such_tenant');
SELECT wt_drop_tenant(NULL);
-- A schema that is not a tenant is never dropped by it.
CREATE SCHEMA not_a_tenant;
SELECT wt_drop_tenant('not_a_tenant');
SELECT count(*) AS still_there FROM pg_namespace WHERE nspname = 'not_a_tenant';
DROP SCHEMA not_a_tenant;

-- Objects outside the tenant that depend on it stop the drop (DROP SCHEMA
-- CASCADE would take them along); nothing is dropped.
CREATE VIEW public.globex_headcount AS SELECT count(*) FROM globex_corporation.employees;
UPDATE tenants SET status = 'suspended' WHERE schema_name = 'globex_corporation';
SELECT wt_drop_tenant('globex_corporation');
SELECT count(*) AS tenant_tables_kept FROM pg_tables WHERE schemaname = 'globex_corporation';
DROP VIEW public.globex_headcount;
SELECT wt_drop_tenant('globex_corporation');
SELECT schema_name FROM tenants ORDER BY 1;
-- recreate it for later cases
SELECT wt_create_tenant('Globex Corporation') IS NOT NULL AS recreated;
