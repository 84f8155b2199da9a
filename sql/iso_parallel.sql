-- Parallel query: workers trust the leader's tenant; enforcement happens in
-- the leader before any worker starts.
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET force_parallel_mode = on;
INSERT INTO iso_a.employees (email, full_name)
SELECT 'p' || g || '@iso-a.example', 'iso_a' FROM generate_series(1, 500) g;
SET wellness_tenancy.tenant = 'iso_a';
EXPLAIN (COSTS OFF) SELECT count(*) FROM iso_a.employees;
SELECT count(*) FROM iso_a.employees;
SELECT count(*) FROM iso_b.employees;
RESET wellness_tenancy.tenant;
SELECT count(*) FROM iso_b.employees;   -- control
DELETE FROM iso_a.employees WHERE email LIKE 'p%@iso-a.example';
RESET ALL;
