-- The extension's metrics in Prometheus shape: one row per sample, with the
-- metric name, its labels (jsonb) and value, for an exporter's queries file
-- (contrib/prometheus/wellness_tenancy.yaml).  A query that filters on
-- metric runs only that metric's branch: the drift count (slow at 10,000
-- tenants) is computed only when asked for.
CREATE VIEW @extschema@.wt_metrics AS
SELECT 'wellness_tenancy_tenants'::text AS metric,
       pg_catalog.jsonb_build_object('status', s.status) AS labels,
       (SELECT pg_catalog.count(*) FROM @extschema@.tenants t WHERE t.status = s.status)::double precision AS value,
       'tenants in the registry, by status'::text AS help
FROM (VALUES ('active'), ('suspended'), ('relocated')) s(status)
UNION ALL
SELECT 'wellness_tenancy_tenants_behind_migrations', '{}'::jsonb,
       (SELECT pg_catalog.count(*) FROM @extschema@.tenants t
         WHERE t.status <> 'relocated'
           AND coalesce(t.schema_version, 0) <
               (SELECT coalesce(pg_catalog.max(m.version), 0) FROM @extschema@.tenant_migrations m))::double precision,
       'tenants whose schema_version is below the newest tenant migration'
UNION ALL
SELECT 'wellness_tenancy_drift_problems', '{}'::jsonb, wt_internal.drift_count()::double precision,
       'rows of wt_tenant_drift(): differences between the registry and the catalog'
UNION ALL
SELECT 'wellness_tenancy_refusals_total', '{}'::jsonb, c.refusals::double precision,
       'isolation refusals (SQLSTATE 42501) raised by the extension since server start, all databases'
FROM wt_internal.activity_counters() c
UNION ALL
SELECT 'wellness_tenancy_tenant_sessions', '{}'::jsonb,
       (SELECT pg_catalog.count(*) FROM wt_internal.tenant_backends() b WHERE b.tenant IS NOT NULL)::double precision,
       'backends of this database working for a tenant'
UNION ALL
SELECT 'wellness_tenancy_stats_tenants', '{}'::jsonb, c.stats_entries::double precision,
       'tenants with an entry in the activity statistics (limit: wellness_tenancy.stats_max_tenants)'
FROM wt_internal.activity_counters() c
UNION ALL
SELECT 'wellness_tenancy_stats_overflow_calls', '{}'::jsonb, coalesce(pg_catalog.sum(a.calls), 0)::double precision,
       'statements counted in the "(overflow)" entry: raise wellness_tenancy.stats_max_tenants when not 0'
FROM wt_internal.tenant_activity() a WHERE a.tenant = '(overflow)';
COMMENT ON VIEW @extschema@.wt_metrics IS
    'wellness_tenancy: metrics in Prometheus shape (metric, labels, value) for prometheus-postgres-exporter';
GRANT SELECT ON @extschema@.wt_metrics TO pg_monitor;
