-- Parallel query: workers trust the leader's tenant and enforce it too, so a
-- PARALLEL SAFE function that runs its own query inside a worker is refused
-- there, even when the leader takes no part in the scan.
CREATE FUNCTION public.count_b_in_worker() RETURNS bigint LANGUAGE plpgsql PARALLEL SAFE
  AS 'BEGIN RETURN (SELECT count(*) FROM iso_b.employees); END';
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
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT max(public.count_b_in_worker()) FROM iso_a.employees;
SELECT max(public.count_b_in_worker()) FROM iso_a.employees;
RESET wellness_tenancy.tenant;
SELECT count(*) FROM iso_b.employees;   -- control
SELECT max(public.count_b_in_worker()) FROM iso_a.employees;   -- control
DELETE FROM iso_a.employees WHERE email LIKE 'p%@iso-a.example';
RESET ALL;
