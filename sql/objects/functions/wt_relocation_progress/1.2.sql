CREATE OR REPLACE FUNCTION @extschema@.wt_relocation_progress(schema_name text, exact boolean DEFAULT false)
    RETURNS TABLE(table_name text, sync_state text, rows_here bigint, rows_on_source bigint,
                  copy_rows_processed bigint, sync_lsn pg_lsn)
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
#variable_conflict use_column
DECLARE
    tenant_schema text := $1;
    reloc @extschema@.tenant_relocations;
    sub_oid oid;
    rx text;
    source_counts jsonb;
BEGIN
    SELECT * INTO reloc FROM @extschema@.tenant_relocations r
     WHERE r.schema_name = tenant_schema AND r.role = 'target'
     ORDER BY r.started_at DESC LIMIT 1;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no relocation of tenant "%" to this instance', tenant_schema
            USING ERRCODE = 'undefined_object',
                  HINT = 'Run it on the target instance.';
    END IF;
    IF reloc.state <> 'copying' THEN
        RETURN QUERY
            SELECT e.k, reloc.state, (e.v->>'target_rows')::bigint, (e.v->>'source_rows')::bigint,
                   NULL::bigint, reloc.caught_up_lsn
              FROM pg_catalog.jsonb_each(COALESCE(reloc.tables, '{}'::jsonb)) AS e(k, v)
             ORDER BY e.k;
        RETURN;
    END IF;
    SELECT s.oid INTO sub_oid FROM pg_catalog.pg_subscription s
     WHERE s.subname = reloc.subscription_name
       AND s.subdbid = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = current_database());
    BEGIN
        rx := wt_internal.wt_remote_connect('wt_relocation_progress', reloc.source_instance);
        IF exact THEN
            source_counts := wt_internal.wt_remote_query('wt_relocation_progress', pg_catalog.format(
                'SELECT COALESCE(pg_catalog.jsonb_object_agg(f.table_name, f.row_count), ''{}'')::text '
                'FROM %s.wt_tenant_fingerprint(%L, false) f', rx, tenant_schema))::jsonb;
        ELSE
            source_counts := wt_internal.wt_remote_query('wt_relocation_progress', pg_catalog.format(
                'SELECT COALESCE(pg_catalog.jsonb_object_agg(relname, n_live_tup), ''{}'')::text '
                'FROM pg_catalog.pg_stat_user_tables WHERE schemaname = %L', tenant_schema))::jsonb;
        END IF;
        PERFORM wt_internal.wt_remote_disconnect('wt_relocation_progress');
    EXCEPTION WHEN OTHERS THEN
        PERFORM wt_internal.wt_remote_disconnect('wt_relocation_progress');
        RAISE WARNING 'instance "%" is unreachable: %', reloc.source_instance, SQLERRM;
    END;
    FOR table_name, sync_state, sync_lsn, copy_rows_processed, rows_here IN
        SELECT c.relname::text,
               CASE sr.srsubstate WHEN 'i' THEN 'waiting for initial copy' WHEN 'd' THEN 'copying data'
                                  WHEN 'f' THEN 'copy finished' WHEN 's' THEN 'synchronized, catching up'
                                  WHEN 'r' THEN 'streaming' END,
               sr.srsublsn,
               (SELECT p.tuples_processed FROM pg_catalog.pg_stat_progress_copy p WHERE p.relid = sr.srrelid LIMIT 1),
               pg_catalog.pg_stat_get_live_tuples(sr.srrelid)
          FROM pg_catalog.pg_subscription_rel sr JOIN pg_catalog.pg_class c ON c.oid = sr.srrelid
         WHERE sr.srsubid = sub_oid
         ORDER BY c.relname
    LOOP
        IF exact THEN
            EXECUTE pg_catalog.format('SELECT pg_catalog.count(*) FROM %I.%I', tenant_schema, table_name) INTO rows_here;
        END IF;
        rows_on_source := (source_counts->>table_name)::bigint;
        RETURN NEXT;
    END LOOP;
END
$fn$;
-- 1.2: the comment 1.0 did not give it (definition: the newest file with a CREATE).
COMMENT ON FUNCTION @extschema@.wt_relocation_progress(text, boolean) IS
    'relocation: per table of the tenant, sync state and rows here and on the source';
