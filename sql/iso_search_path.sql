-- search_path: another tenant's schema drops out of resolution while a
-- tenant is set, and comes back when it is reset; public, pg_catalog,
-- information_schema and schemas of no tenant keep working; catalog metadata
-- stays visible, as in PostgreSQL itself.
SET search_path = iso_b, iso_a, shared_ref, public;
SELECT full_name FROM employees;          -- no tenant: iso_b comes first
SET wellness_tenancy.tenant = 'iso_a';
SELECT full_name FROM employees;          -- iso_b dropped out: iso_a's
SELECT current_schemas(false);
SELECT count(*) AS activity_types FROM activity_types;
SELECT count(*) AS headcount_view FROM headcount;   -- iso_b.headcount is not found
BEGIN;
SET LOCAL wellness_tenancy.tenant = 'iso_b';
SELECT full_name FROM employees;          -- iso_b's own
COMMIT;
SELECT full_name FROM employees;          -- back to iso_a after the transaction
RESET wellness_tenancy.tenant;
SELECT full_name FROM employees;          -- iso_b again
SELECT current_schemas(false);

-- Catalogs, information_schema and metadata of other tenants.
SET wellness_tenancy.tenant = 'iso_a';
SELECT count(*) > 0 AS sees_catalog FROM pg_class WHERE relnamespace = 'iso_b'::regnamespace;
SELECT table_name FROM information_schema.tables WHERE table_schema = 'iso_a' ORDER BY 1;
SELECT count(*) AS pg_tables_rows FROM pg_tables WHERE schemaname IN ('iso_a', 'iso_b');
RESET wellness_tenancy.tenant;
RESET search_path;
