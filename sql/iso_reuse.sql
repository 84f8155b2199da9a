-- Reuse: prepared statements and cursors created under one tenant (or none)
-- and executed after switching to another are refused; unqualified prepared
-- statements follow the tenant's search path.
PREPARE read_b AS SELECT full_name FROM iso_b.employees;
SET wellness_tenancy.tenant = 'iso_a';
EXECUTE read_b;
RESET wellness_tenancy.tenant;
EXECUTE read_b;   -- control

-- Planned and executed under iso_b, then re-executed under iso_a.
SET wellness_tenancy.tenant = 'iso_b';
EXECUTE read_b;
SET wellness_tenancy.tenant = 'iso_a';
EXECUTE read_b;
RESET wellness_tenancy.tenant;

-- A statement prepared under iso_a is iso_a's (redteam_session_objects):
-- refused under iso_b.  With shared_prepared_statements on (one statement
-- for every tenant), an unqualified prepared statement resolves in the
-- tenant in force.
SELECT wt_set_tenant('iso_a');
PREPARE read_mine AS SELECT full_name FROM employees;
EXECUTE read_mine;
SELECT wt_set_tenant('iso_b');
EXECUTE read_mine;
SET wellness_tenancy.shared_prepared_statements = on;
EXECUTE read_mine;
-- Even when only the tenant changes and the search_path lists both schemas,
-- the other tenant's schema drops out and the plan is resolved again.
SET search_path = iso_a, iso_b;
SET wellness_tenancy.tenant = 'iso_b';
EXECUTE read_mine;
SET wellness_tenancy.tenant = 'iso_a';
EXECUTE read_mine;
RESET wellness_tenancy.tenant;
RESET search_path;
RESET wellness_tenancy.shared_prepared_statements;

-- A cursor opened without a tenant, fetched after a tenant is set.
BEGIN;
DECLARE c CURSOR FOR SELECT full_name FROM iso_b.employees;
SET LOCAL wellness_tenancy.tenant = 'iso_a';
FETCH c;
ROLLBACK;
BEGIN;   -- control
DECLARE c CURSOR FOR SELECT full_name FROM iso_b.employees;
FETCH c;
ROLLBACK;

-- A cursor opened under iso_b (reading iso_b), fetched under iso_a.
BEGIN;
SET LOCAL wellness_tenancy.tenant = 'iso_b';
DECLARE c CURSOR FOR SELECT full_name FROM iso_b.employees;
SET LOCAL wellness_tenancy.tenant = 'iso_a';
FETCH c;
ROLLBACK;

-- A WITH HOLD cursor is materialised at commit; its rows stay with the
-- tenant that opened it.
SET wellness_tenancy.tenant = 'iso_b';
DECLARE held CURSOR WITH HOLD FOR SELECT full_name FROM iso_b.employees;
SET wellness_tenancy.tenant = 'iso_a';
FETCH held;
MOVE BACKWARD ALL IN held;
SET wellness_tenancy.tenant = 'iso_b';
FETCH held;   -- control: under the tenant that opened it
CLOSE held;
RESET wellness_tenancy.tenant;
DEALLOCATE ALL;
