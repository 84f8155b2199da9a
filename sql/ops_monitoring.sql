-- Monitoring: wt_tenant_stats has one row per tenant (status, schema version,
-- size, live rows, reads and writes since the statistics were reset), the
-- noisiest tenant first.  Runs in a database of its own, so that the ranking
-- holds only this case's tenants.
\set case_db ops_monitoring_db
\i sql/include/case_database.psql

SELECT count(wt_create_tenant(c, s)) AS tenants
FROM (VALUES ('Quiet Co', 'mon_quiet'), ('Busy Co', 'mon_busy'), ('Medium Co', 'mon_medium'),
             ('Paused Co', 'mon_paused')) AS t(c, s);
SELECT wt_suspend_tenant('mon_paused');

-- Busy: 40 employees with 3 logs each, then 10 updates and 5 deletes.
INSERT INTO mon_busy.employees (email) SELECT format('e%s@busy.example', i) FROM generate_series(1, 40) i;
INSERT INTO mon_busy.wellness_logs (employee_id, activity_type, log_date)
SELECT e.id, 'walk', DATE '2024-01-01' + n FROM mon_busy.employees e, generate_series(1, 3) n;
UPDATE mon_busy.wellness_logs SET duration_minutes = 30
WHERE id IN (SELECT id FROM mon_busy.wellness_logs ORDER BY id LIMIT 10);
DELETE FROM mon_busy.wellness_logs WHERE id IN (SELECT id FROM mon_busy.wellness_logs ORDER BY id LIMIT 5);
SELECT count(*) FROM mon_busy.employees;
-- Medium: 5 employees, read twice.
INSERT INTO mon_medium.employees (email) SELECT format('e%s@medium.example', i) FROM generate_series(1, 5) i;
SELECT count(*) FROM mon_medium.employees;
SELECT count(*) FROM mon_medium.employees;
-- Flush this backend's counters now rather than within the next second.
SELECT pg_stat_force_next_flush();

SELECT schema_name, company_name, status, schema_version, live_rows, writes, reads > 0 AS has_reads,
       total_bytes > 0 AS has_size, tables
FROM wt_tenant_stats;
-- Writes are inserts + updates + deletes of every table of the tenant; reads
-- are rows fetched by sequential and index scans.
SELECT writes = 40 + 120 + 10 + 5 AS busy_writes_add_up FROM wt_tenant_stats WHERE schema_name = 'mon_busy';
-- (Busy: at least the 40 employees read to insert the logs, the 120 foreign
-- key checks and the final count; how the UPDATE and DELETE read is the
-- planner's choice.)
SELECT reads >= 40 + 120 + 40 AS busy_reads_add_up FROM wt_tenant_stats WHERE schema_name = 'mon_busy';
SELECT reads = 10 AS medium_reads_add_up FROM wt_tenant_stats WHERE schema_name = 'mon_medium';
-- Size covers tables, indexes and TOAST, and grows with the data.
SELECT (SELECT total_bytes FROM wt_tenant_stats WHERE schema_name = 'mon_busy')
     > (SELECT total_bytes FROM wt_tenant_stats WHERE schema_name = 'mon_quiet') AS busy_is_bigger;
SELECT total_bytes = (SELECT sum(pg_total_relation_size(c.oid))
                        FROM pg_class c
                       WHERE c.relnamespace = 'mon_busy'::regnamespace AND c.relkind = 'r') AS size_matches
FROM wt_tenant_stats WHERE schema_name = 'mon_busy';

-- One row per tenant, also for a tenant whose schema has gone missing.
CREATE SCHEMA mon_ghost;
INSERT INTO tenants (company_name, schema_name, schema_version) VALUES ('Ghost Co', 'mon_ghost', 2);
DROP SCHEMA mon_ghost;
SELECT count(*) AS rows, count(DISTINCT schema_name) AS tenants FROM wt_tenant_stats;
SELECT schema_name, total_bytes, live_rows, reads, writes, tables FROM wt_tenant_stats WHERE schema_name = 'mon_ghost';

-- Since the statistics were reset: counters start again from zero.
SELECT pg_stat_reset();
SELECT pg_stat_clear_snapshot();
SELECT sum(reads) AS reads, sum(writes) AS writes FROM wt_tenant_stats;

-- The view is for the DBA, not for PUBLIC.
SELECT has_table_privilege('wellness_app', 'wt_tenant_stats', 'SELECT') AS app_may_read;

\c :regress_db
SET client_min_messages = warning;
DROP DATABASE :case_db;
