-- Grants: the app role can use a tenant's tables and sequences, including
-- tables a DBA adds later (default privileges), and nothing else.
-- Uses innovate_inc from provisioning.
SELECT has_schema_privilege('wellness_app', 'innovate_inc', 'USAGE') AS usage_on_schema,
       has_table_privilege('wellness_app', 'innovate_inc.employees', 'SELECT,INSERT,UPDATE,DELETE') AS dml_employees,
       has_table_privilege('wellness_app', 'innovate_inc.wellness_logs', 'SELECT,INSERT,UPDATE,DELETE') AS dml_logs,
       has_table_privilege('wellness_app', 'innovate_inc.employees', 'TRUNCATE') AS can_truncate,
       has_schema_privilege('wellness_app', 'innovate_inc', 'CREATE') AS can_create;

-- A table and a sequence added later by the DBA are covered.
CREATE TABLE innovate_inc.challenges (id bigserial PRIMARY KEY, title text NOT NULL);
SELECT has_table_privilege('wellness_app', 'innovate_inc.challenges', 'SELECT,INSERT,UPDATE,DELETE') AS dml_later_table,
       has_sequence_privilege('wellness_app', 'innovate_inc.challenges_id_seq', 'USAGE') AS later_sequence;

-- As the app role: ordinary work in the tenant.
SET ROLE wellness_app;
SELECT wt_set_tenant('innovate_inc');
INSERT INTO employees (email, full_name) VALUES ('grace@innovate.example', 'Grace');
INSERT INTO wellness_logs (employee_id, activity_type, duration_minutes, log_date)
SELECT id, 'run', 25, '2026-11-02' FROM employees WHERE email = 'grace@innovate.example';
UPDATE wellness_logs SET duration_minutes = 35;
SELECT e.full_name, sum(l.duration_minutes) AS minutes
FROM employees e JOIN wellness_logs l ON l.employee_id = e.id GROUP BY e.full_name;
INSERT INTO challenges (title) VALUES ('10k steps') RETURNING id;
DELETE FROM challenges;
-- but no DDL in the tenant schema
CREATE TABLE innovate_inc.sneaky (x int);
RESET ROLE;
RESET wellness_tenancy.tenant;
RESET search_path;
DROP TABLE innovate_inc.challenges;
