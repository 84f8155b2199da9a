-- Everything the target needs to know about the source before a relocation,
-- as one JSON document (one round trip); the target judges it.
CREATE OR REPLACE FUNCTION wt_internal.wt_relocation_source_facts(schema_name text, target_instance text)
    RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
AS $fn$
SELECT pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
    'instance', (SELECT i.name FROM @extschema@.wt_instances i WHERE i.is_local),
    'knows_target', EXISTS (SELECT 1 FROM @extschema@.wt_instances i WHERE i.name = $2 AND NOT i.is_local),
    'server_version', pg_catalog.current_setting('server_version'),
    'wal_level', pg_catalog.current_setting('wal_level'),
    'max_replication_slots', pg_catalog.current_setting('max_replication_slots')::integer,
    'replication_slots_used', (SELECT pg_catalog.count(*) FROM pg_catalog.pg_replication_slots),
    'max_wal_senders', pg_catalog.current_setting('max_wal_senders')::integer,
    'wal_senders_used', (SELECT pg_catalog.count(*) FROM pg_catalog.pg_stat_replication),
    'role', current_user,
    'superuser', (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user),
    'require_tenant', pg_catalog.current_setting('wellness_tenancy.require_tenant', true),
    'tenant', (SELECT pg_catalog.to_jsonb(t) FROM @extschema@.tenants t WHERE t.schema_name = $1),
    'schema_exists', EXISTS (SELECT 1 FROM pg_catalog.pg_namespace n WHERE n.nspname = $1),
    'open_relocation', (SELECT pg_catalog.to_jsonb(r) FROM @extschema@.tenant_relocations r
                         WHERE r.schema_name = $1 AND r.state = 'copying'),
    'migrations', (SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_array(m.version, pg_catalog.md5(m.ddl))
                                               ORDER BY m.version)
                     FROM @extschema@.tenant_migrations m),
    -- what logical replication cannot carry, or would break on the source
    'unsupported', (SELECT pg_catalog.jsonb_agg(pg_catalog.format('%s %I.%I', k.kind, $1, c.relname) ORDER BY c.relname)
                      FROM pg_catalog.pg_class c
                      CROSS JOIN LATERAL (SELECT CASE
                          WHEN c.relkind = 'p' THEN 'partitioned table'
                          WHEN c.relkind = 'm' THEN 'materialized view'
                          WHEN c.relkind = 'f' THEN 'foreign table'
                          WHEN c.relkind = 'r' AND c.relpersistence = 'u' THEN 'unlogged table'
                          WHEN c.relkind = 'r' AND (c.relispartition OR EXISTS (
                               SELECT 1 FROM pg_catalog.pg_inherits h WHERE h.inhrelid = c.oid OR h.inhparent = c.oid))
                               THEN 'inheritance child or parent'
                          END AS kind) k
                     WHERE c.relnamespace = (SELECT n.oid FROM pg_catalog.pg_namespace n WHERE n.nspname = $1)
                       AND k.kind IS NOT NULL),
    'no_replica_identity', (SELECT pg_catalog.jsonb_agg(pg_catalog.format('%I.%I', $1, c.relname) ORDER BY c.relname)
                              FROM pg_catalog.pg_class c
                             WHERE c.relnamespace = (SELECT n.oid FROM pg_catalog.pg_namespace n WHERE n.nspname = $1)
                               AND c.relkind = 'r'
                               AND (c.relreplident = 'n'
                                    OR (c.relreplident = 'd' AND NOT EXISTS (
                                        SELECT 1 FROM pg_catalog.pg_index i WHERE i.indrelid = c.oid AND i.indisprimary))
                                    OR (c.relreplident = 'i' AND NOT EXISTS (
                                        SELECT 1 FROM pg_catalog.pg_index i WHERE i.indrelid = c.oid AND i.indisreplident))))
))
$fn$;
-- 1.2: moved to wt_internal (defined again here), with the comment 1.0 did not give it.
COMMENT ON FUNCTION wt_internal.wt_relocation_source_facts(text, text) IS
    'internal (relocation, source side): what the target needs to know about the source, as one JSON document';
