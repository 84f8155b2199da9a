-- wellness_tenancy.tenant: validation, SET / SET LOCAL / set_config /
-- wt_set_tenant, wt_current_tenant, require_tenant (fail closed, also after
-- RESET ALL and DISCARD ALL), and the transaction-local-only mode.
SELECT wt_current_tenant() IS NULL AS no_tenant;
SET wellness_tenancy.tenant = 'no_such_tenant';
SET wellness_tenancy.tenant = 'shared_ref';     -- a schema, but no tenant
SET wellness_tenancy.tenant = 'iso_a';
SELECT wt_current_tenant(), current_setting('wellness_tenancy.tenant');
RESET wellness_tenancy.tenant;
BEGIN;
SET LOCAL wellness_tenancy.tenant = 'iso_b';
SELECT wt_current_tenant();
COMMIT;
SELECT wt_current_tenant() IS NULL AS reverted_after_commit;
SELECT set_config('wellness_tenancy.tenant', 'iso_a', false);
SELECT wt_current_tenant();
SELECT wt_set_tenant('iso_b'), current_setting('search_path');
SELECT wt_set_tenant(NULL);
RESET wellness_tenancy.tenant;
RESET search_path;
-- Prefix is reserved: typos are errors, not silent placeholders.
SET wellness_tenancy.tennant = 'iso_a';

-- A role without USAGE on a tenant's schema cannot take it as its tenant.
CREATE ROLE iso_outsider LOGIN;
SET ROLE iso_outsider;
SET wellness_tenancy.tenant = 'iso_a';
RESET ROLE;

-- The application role, configured by a superuser to fail closed.
CREATE ROLE iso_app LOGIN IN ROLE wellness_app;
ALTER ROLE iso_app SET wellness_tenancy.require_tenant = on;
\c - iso_app
SHOW wellness_tenancy.require_tenant;
SELECT count(*) FROM iso_a.employees;            -- refused: no tenant
SELECT count(*) FROM employees;                  -- 42P01, with a hint: no tenant is set
SELECT count(*) FROM shared_ref.activity_types;  -- schemas of no tenant are fine
-- the app role finds its company's schema in the registry's directory columns
SELECT schema_name, status FROM tenants WHERE company_name = 'Iso A';
SELECT schema_version FROM tenants WHERE company_name = 'Iso A';  -- not granted
SET wellness_tenancy.require_tenant = off;       -- superuser-only
SET wellness_tenancy.tenant = 'iso_a';
SELECT count(*) FROM iso_a.employees;
SELECT count(*) FROM iso_b.employees;
DISCARD ALL;
SELECT count(*) FROM iso_a.employees;            -- fail closed again
SET wellness_tenancy.tenant = 'iso_a';
RESET ALL;
SELECT count(*) FROM iso_a.employees;            -- and again
\c - postgres
SELECT count(*) FROM iso_a.employees;            -- control: a DBA without require_tenant

-- Transaction-local-only mode, for transaction-pooling connection poolers.
ALTER ROLE iso_app SET wellness_tenancy.local_tenant_only = on;
\c - iso_app
SET wellness_tenancy.tenant = 'iso_a';
SELECT wt_current_tenant() IS NULL AS still_none;
SELECT set_config('wellness_tenancy.tenant', 'iso_a', false);
SELECT wt_current_tenant() IS NULL AS still_none;
SELECT wt_set_tenant('iso_a');
SELECT wt_set_tenant('iso_a', true);             -- outside a transaction block: refused here
SET LOCAL wellness_tenancy.tenant = 'iso_a';      -- likewise
BEGIN;
SET wellness_tenancy.tenant = 'iso_a';
COMMIT;
BEGIN;
SET LOCAL wellness_tenancy.tenant = 'iso_a';
SELECT full_name FROM iso_a.employees;
COMMIT;
BEGIN;
SELECT wt_set_tenant('iso_b', true);
SELECT full_name FROM employees;
COMMIT;
SELECT wt_current_tenant() IS NULL AS nothing_survived;
SELECT count(*) FROM iso_a.employees;            -- refused again
-- A plain SET of the tenant also points search_path at it, with the same
-- scope: unqualified names resolve in the tenant, and after the
-- transaction the path is what it was.
SHOW search_path;
BEGIN;
SET LOCAL wellness_tenancy.tenant = 'iso_a';
SHOW search_path;
SELECT full_name FROM employees;
COMMIT;
SHOW search_path;
-- Transaction-local outside a transaction block, without local_tenant_only
-- (a DBA here): a warning, and no tenant afterwards.
\c - postgres
SELECT wt_set_tenant('iso_a', true);
SELECT wt_current_tenant() IS NULL AS no_tenant_after_the_statement;
-- set_config() of the tenant moves search_path the same way (planned as
-- wt_internal.set_tenant_config), and a NULL value resets it as before.
BEGIN;
SELECT set_config('wellness_tenancy.tenant', 'iso_b', true);
SHOW search_path;
SELECT full_name FROM employees;
SELECT set_config('wellness_tenancy.tenant', NULL, true) IS NOT DISTINCT FROM '' AS reset;
COMMIT;
SHOW search_path;
\c - postgres
ALTER ROLE iso_app RESET ALL;
DROP ROLE iso_app;
DROP ROLE iso_outsider;
