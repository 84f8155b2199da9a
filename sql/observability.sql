-- Observability that knows tenants: wt_sessions (live sessions and the tenant
-- each works for, published in shared memory) and wt_tenant_activity
-- (statements, execution time and rows per tenant).  A tenant session sees
-- only its own tenant's rows in both; a DBA without a tenant sees every
-- tenant; statement texts only for DBAs; wt_tenant_activity_reset() is
-- refused to the app role.  A second session (dblink) works for the other
-- tenant meanwhile.  Runs in a database of its own.
\set case_db observability_db
\i sql/include/case_database.psql
CREATE EXTENSION dblink;
SELECT count(wt_create_tenant(c, s)) AS tenants
FROM (VALUES ('Alpha Co', 'obs_a'), ('Beta Co', 'obs_b')) AS t(c, s);
SELECT wt_tenant_activity_reset();
-- A function whose query fails inside an exception block: the error unwinds
-- a nested executor level, which must not stop the statements after it from
-- counting.
CREATE FUNCTION public.obs_guarded_count() RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
  RETURN (SELECT count(*) FROM employees WHERE length(email) / 0 = 1);
EXCEPTION WHEN division_by_zero THEN
  RETURN -1;
END $$;

-- The other session: the app role working for obs_b, then idle.
SELECT dblink_connect('other', format('host=127.0.0.1 port=%s dbname=%s user=wellness_app',
                                      current_setting('port'), current_database()));
SELECT * FROM dblink('other', $$SELECT wt_set_tenant('obs_b')$$) AS t(tenant text);
SELECT * FROM dblink('other', $$SELECT count(*) FROM employees$$) AS t(n bigint);
SELECT * FROM dblink('other', $$SELECT pg_backend_pid()$$) AS t(pid integer) \gset other_
-- A third session: the app role working for obs_a (this session's tenant below).
SELECT dblink_connect('alpha', format('host=127.0.0.1 port=%s dbname=%s user=wellness_app',
                                      current_setting('port'), current_database()));
SELECT * FROM dblink('alpha', $$SELECT wt_set_tenant('obs_a')$$) AS t(tenant text);
SELECT * FROM dblink('alpha', $$SELECT pg_backend_pid()$$) AS t(pid integer) \gset alpha_

-- This session: the app role working for obs_a.  Counted statements: every
-- top-level executor statement while a tenant is in force, the
-- wt_set_tenant() call included (its end already sees the tenant).
SET ROLE wellness_app;
SELECT wt_set_tenant('obs_a');
INSERT INTO employees (email) VALUES ('a1@alpha.example'), ('a2@alpha.example');
SELECT count(*) FROM employees;
-- Only obs_a's sessions (this one and the alpha session): not the obs_b
-- session, and no statement text (state and times: yes, its own tenant's).
SELECT tenant, company_name, pid = pg_backend_pid() AS is_me, pid = :alpha_pid AS is_alpha,
       state, query IS NULL AS query_hidden, tenant_since <= now() AS since_ok
FROM wt_sessions ORDER BY is_me;
SELECT count(*) AS obs_b_rows_seen FROM wt_sessions WHERE tenant = 'obs_b' OR pid = :other_pid;
-- Only obs_a's statistics.  Statements so far: this session's wt_set_tenant
-- (1 row), INSERT (2), count (1), the two on wt_sessions (2 rows, 1) and the
-- alpha session's wt_set_tenant (1) and pg_backend_pid (1): 7 calls, 9 rows.
-- This one counts at its end.
SELECT tenant, company_name, calls, rows, total_exec_time >= 0 AS timed FROM wt_tenant_activity;
SELECT count(*) AS other_tenant_rows FROM wt_tenant_activity WHERE tenant <> 'obs_a';
-- The app role may not reset the statistics (EXECUTE revoked from PUBLIC).
SELECT wt_tenant_activity_reset();
-- Counts move after statements (the failed reset ran no executor statement).
SELECT count(*) FROM employees WHERE email LIKE 'a%';
SELECT calls, rows FROM wt_tenant_activity;
-- One statement whose nested query failed (caught), one after it: both count
-- (calls + 3 with the SELECT on the view; its nested queries do not count).
SELECT public.obs_guarded_count();
SELECT count(*) FROM employees;
SELECT calls, rows FROM wt_tenant_activity;
-- Fail closed: under require_tenant without a tenant, only itself (no tenant),
-- and no statistics at all.
RESET ROLE;
RESET wellness_tenancy.tenant;
RESET search_path;
SET wellness_tenancy.require_tenant = on;
SELECT pid = pg_backend_pid() AS is_me, tenant, query IS NULL AS query_hidden FROM wt_sessions;
SELECT count(*) AS stats_rows FROM wt_tenant_activity;
RESET wellness_tenancy.require_tenant;

-- Control: a DBA without a tenant sees both tenants' sessions and statistics,
-- with the statement texts (the other sessions are idle after their last
-- query).
SELECT tenant, company_name, pid = :other_pid AS is_other, pid = :alpha_pid AS is_alpha, state, query
FROM wt_sessions ORDER BY tenant;
SELECT tenant, company_name, calls, rows FROM wt_tenant_activity WHERE tenant <> '(overflow)' ORDER BY tenant;
-- The other session leaves its tenant: its row goes.
SELECT * FROM dblink('other', $$RESET wellness_tenancy.tenant$$) AS t(status text);
SELECT count(*) AS obs_b_sessions FROM wt_sessions WHERE tenant = 'obs_b';
-- A transaction-local tenant ends with its transaction.
BEGIN;
SET LOCAL wellness_tenancy.tenant = 'obs_b';
SELECT tenant FROM wt_sessions WHERE pid = pg_backend_pid();
COMMIT;
SELECT count(*) AS my_rows_after_commit FROM wt_sessions WHERE pid = pg_backend_pid();

-- The DBA resets: every tenant's statistics go.
SELECT wt_tenant_activity_reset();
SELECT count(*) AS tenant_rows_after_reset FROM wt_tenant_activity WHERE tenant <> '(overflow)';
SELECT stats_since >= now() - interval '1 minute' AS fresh FROM wt_tenant_activity WHERE tenant = '(overflow)';
-- Refused in a tenant context too, even to a superuser.
SET wellness_tenancy.tenant = 'obs_a';
SELECT wt_tenant_activity_reset();
RESET wellness_tenancy.tenant;

SELECT dblink_disconnect('other');
SELECT dblink_disconnect('alpha');
\c :regress_db
DROP DATABASE observability_db;
