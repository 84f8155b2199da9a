-- A finished run has nothing left (runs side by side share the tenants);
-- an interrupted one shows what it left behind.
CREATE OR REPLACE VIEW @extschema@.wt_migration_progress AS
SELECT r.run_id,
       r.state,
       r.target_version,
       r.tenants_total,
       r.tenants_done,
       r.tenants_failed,
       CASE WHEN r.state = 'finished' THEN 0
            ELSE greatest(r.tenants_total - r.tenants_done - r.tenants_failed, 0) END AS tenants_remaining,
       CASE WHEN r.state = 'finished' THEN 100.0
            ELSE pg_catalog.round(100.0 * (r.tenants_done + r.tenants_failed) / NULLIF(r.tenants_total, 0), 1)
       END AS percent_done,
       r.batches,
       pg_catalog.round(((r.tenants_done + r.tenants_failed)
           / NULLIF(EXTRACT(epoch FROM r.updated_at - r.started_at), 0))::numeric, 1)
           AS tenants_per_second,
       CASE WHEN r.state = 'running' AND r.tenants_done + r.tenants_failed > 0 THEN
           pg_catalog.make_interval(secs => pg_catalog.round(
               EXTRACT(epoch FROM r.updated_at - r.started_at)
               * greatest(r.tenants_total - r.tenants_done - r.tenants_failed, 0)
               / (r.tenants_done + r.tenants_failed)))
       END AS estimated_time_left,
       r.started_at,
       r.updated_at,
       r.finished_at,
       r.backend_pid,
       r.started_by,
       r.batch_size,
       r.lock_timeout
FROM (SELECT m.run_id,
             CASE WHEN m.state = 'running'
                       AND NOT wt_internal.wt_migration_run_alive(m.backend_pid, m.backend_start, m.started_at)
                  THEN 'interrupted' ELSE m.state END AS state,
             m.target_version, m.tenants_total, m.tenants_done, m.tenants_failed, m.batches,
             m.started_at, m.updated_at, m.finished_at, m.backend_pid, m.started_by, m.batch_size, m.lock_timeout
      FROM @extschema@.tenant_migration_runs m) r
ORDER BY r.run_id DESC;
COMMENT ON VIEW @extschema@.wt_migration_progress IS
    'wellness_tenancy: progress of tenant migration runs, newest first (committed after every batch)';
