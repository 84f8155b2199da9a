-- The stale copy a relocation leaves on its source (tenants.status
-- 'relocated'): a tenant context reaching it is told where the tenant went
-- (42501 "has moved"), while a DBA without a tenant reads it -- SELECT, COPY
-- TO, LOCK TABLE ... IN ACCESS SHARE MODE, wt_tenant_fingerprint(), which is
-- what pg_dump and an inspection need -- until wt_drop_tenant() removes it.
-- DML that writes it (INSERT, UPDATE, DELETE, MERGE, SELECT FOR UPDATE) is
-- refused to the DBA too: such a write would be lost, the tenant lives
-- elsewhere.  Controls: the same writes on an active tenant succeed, the
-- app's own tenant is served.  Runs in a database of its own (tenants rc_*).
\set case_db ops_relocated_copy_db
\i sql/include/case_database.psql
\set VERBOSITY default

SELECT wt_create_tenant('Moved Health', 'rc_moved') IS NOT NULL AS created;
SELECT wt_create_tenant('Home Health', 'rc_home') IS NOT NULL AS created;
INSERT INTO rc_moved.employees (email) SELECT 'm' || g || '@moved.test' FROM generate_series(1, 3) g;
INSERT INTO rc_home.employees (email) SELECT 'h' || g || '@home.test' FROM generate_series(1, 2) g;
-- What wt_relocation_cutover() leaves on the source.
UPDATE tenants SET status = 'relocated', placement = 'eu-2' WHERE schema_name = 'rc_moved';

-- The app, with a tenant: the moved tenant is refused with its new home.
SET ROLE wellness_app;
SET wellness_tenancy.tenant = 'rc_moved';
\echo :LAST_ERROR_SQLSTATE
SELECT wt_set_tenant('rc_home');
SELECT count(*) FROM rc_moved.employees;
\echo :LAST_ERROR_SQLSTATE
-- Guard: its own tenant is served.
SELECT count(*) FROM employees;
RESET wellness_tenancy.tenant;
RESET search_path;
-- The app failing closed (require_tenant, no tenant): refused the same way.
RESET ROLE;
SET wellness_tenancy.require_tenant = on;
SET ROLE wellness_app;
SELECT count(*) FROM rc_moved.employees;
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
RESET wellness_tenancy.require_tenant;

-- A DBA without a tenant reads the stale copy: what pg_dump does ...
BEGIN;
LOCK TABLE rc_moved.employees, rc_moved.wellness_logs IN ACCESS SHARE MODE;
COPY (SELECT email FROM rc_moved.employees ORDER BY email) TO STDOUT;
COPY rc_moved.wellness_logs TO STDOUT;
COMMIT;
-- ... and an inspection.
SELECT count(*) FROM rc_moved.employees;
SELECT table_name, row_count FROM wt_tenant_fingerprint('rc_moved') ORDER BY 1;

-- Writes to the stale copy are refused to the DBA as well.
INSERT INTO rc_moved.employees (email) VALUES ('late@moved.test');
\echo :LAST_ERROR_SQLSTATE
UPDATE rc_moved.employees SET full_name = 'x';
\echo :LAST_ERROR_SQLSTATE
DELETE FROM rc_moved.employees;
\echo :LAST_ERROR_SQLSTATE
SELECT email FROM rc_moved.employees ORDER BY email LIMIT 1 FOR UPDATE;
\echo :LAST_ERROR_SQLSTATE
WITH gone AS (DELETE FROM rc_moved.employees RETURNING 1) SELECT count(*) FROM gone;
\echo :LAST_ERROR_SQLSTATE
MERGE INTO rc_moved.employees e USING (VALUES ('m1@moved.test')) v(email) ON e.email = v.email
WHEN MATCHED THEN UPDATE SET full_name = 'merged';
\echo :LAST_ERROR_SQLSTATE
-- From PL/pgSQL (SPI) too.
DO $$ BEGIN INSERT INTO rc_moved.employees (email) VALUES ('spi@moved.test'); END $$;
\echo :LAST_ERROR_SQLSTATE
-- Nothing was written.
SELECT count(*) AS employees, count(*) FILTER (WHERE full_name IS NOT NULL) AS named FROM rc_moved.employees;

-- Controls: the same writes on an active tenant.
INSERT INTO rc_home.employees (email) VALUES ('late@home.test');
UPDATE rc_home.employees SET full_name = 'x' WHERE email = 'late@home.test';
SELECT email FROM rc_home.employees WHERE email = 'late@home.test' FOR UPDATE;
DELETE FROM rc_home.employees WHERE email = 'late@home.test';

-- COPY FROM stays open to the DBA: it is how a dump that holds the stale
-- copy restores (pg_restore, psql); an import, not an application write.
COPY rc_moved.employees (email) FROM STDIN;
copied@moved.test
\.
SELECT count(*) FROM rc_moved.employees;

-- The DBA drops the copy when it is no longer needed.
SELECT wt_drop_tenant('rc_moved');
SELECT count(*) FROM pg_namespace WHERE nspname = 'rc_moved';

\c :regress_db
DROP DATABASE ops_relocated_copy_db;
