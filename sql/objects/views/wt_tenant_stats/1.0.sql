-- --- Monitoring and consistency ---
-- One row per tenant, noisiest first: reads and writes since the statistics
-- were last reset (pg_stat_reset), size of tables, indexes and TOAST.
CREATE VIEW @extschema@.wt_tenant_stats AS
SELECT t.schema_name,
       t.company_name,
       t.status,
       t.schema_version,
       coalesce(s.total_bytes, 0)::bigint AS total_bytes,
       pg_catalog.pg_size_pretty(coalesce(s.total_bytes, 0)) AS total_size,
       coalesce(s.live_rows, 0)::bigint AS live_rows,
       coalesce(s.reads, 0)::bigint AS reads,
       coalesce(s.writes, 0)::bigint AS writes,
       coalesce(s.tables, 0)::integer AS tables
FROM @extschema@.tenants t
LEFT JOIN (
    SELECT st.schemaname,
           pg_catalog.sum(pg_catalog.pg_total_relation_size(st.relid)) AS total_bytes,
           pg_catalog.sum(st.n_live_tup) AS live_rows,
           pg_catalog.sum(st.seq_tup_read + coalesce(st.idx_tup_fetch, 0)) AS reads,
           pg_catalog.sum(st.n_tup_ins + st.n_tup_upd + st.n_tup_del) AS writes,
           pg_catalog.count(*) AS tables
    FROM pg_catalog.pg_stat_user_tables st
    GROUP BY st.schemaname
) s ON s.schemaname = t.schema_name
ORDER BY coalesce(s.reads, 0) + coalesce(s.writes, 0) DESC,
         coalesce(s.total_bytes, 0) DESC, t.schema_name;
COMMENT ON VIEW @extschema@.wt_tenant_stats IS
    'wellness_tenancy: one row per tenant with size, live rows, reads and writes since stats reset, noisiest first';
