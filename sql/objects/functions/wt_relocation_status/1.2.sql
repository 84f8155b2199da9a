-- 1.2: phase "retrying after errors" (subscriptions no longer disable
-- themselves on an error); the remote query bound with parameters.
CREATE OR REPLACE FUNCTION @extschema@.wt_relocation_status(schema_name text DEFAULT NULL)
    RETURNS TABLE(relocation_id uuid, tenant text, role text, state text, phase text,
                  source text, target text, started_at timestamptz, finished_at timestamptz,
                  tables_total integer, tables_ready integer, rows_copied bigint, lag_bytes numeric,
                  apply_worker_pid integer, last_message_at timestamptz,
                  apply_errors bigint, sync_errors bigint, write_blocked interval, detail text)
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
#variable_conflict use_column
DECLARE
    reloc @extschema@.tenant_relocations;
    sub_oid oid;
    sub_enabled boolean;
    source_info text;
    not_copied integer;
    catching_up integer;
BEGIN
    FOR reloc IN
        SELECT * FROM @extschema@.tenant_relocations r
         WHERE $1 IS NULL OR r.schema_name = $1
         ORDER BY r.started_at DESC
    LOOP
        relocation_id := reloc.id; tenant := reloc.schema_name; role := reloc.role; state := reloc.state;
        source := reloc.source_instance; target := reloc.target_instance;
        started_at := reloc.started_at; finished_at := reloc.finished_at;
        write_blocked := reloc.write_blocked; detail := reloc.note;
        tables_total := NULL; tables_ready := NULL; rows_copied := NULL; lag_bytes := NULL;
        apply_worker_pid := NULL; last_message_at := NULL; apply_errors := NULL; sync_errors := NULL;
        phase := reloc.state;

        IF reloc.state = 'completed' THEN
            SELECT pg_catalog.count(*)::integer, pg_catalog.count(*)::integer,
                   pg_catalog.sum((e.v->>'target_rows')::bigint)::bigint
              INTO tables_total, tables_ready, rows_copied
              FROM pg_catalog.jsonb_each(COALESCE(reloc.tables, '{}'::jsonb)) AS e(k, v);
        ELSIF reloc.state = 'copying' AND reloc.role = 'target' THEN
            sub_oid := NULL;
            SELECT s.oid, s.subenabled INTO sub_oid, sub_enabled FROM pg_catalog.pg_subscription s
             WHERE s.subname = reloc.subscription_name
               AND s.subdbid = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = current_database());
            SELECT pg_catalog.count(*)::integer, pg_catalog.count(*) FILTER (WHERE sr.srsubstate = 'r')::integer,
                   pg_catalog.count(*) FILTER (WHERE sr.srsubstate IN ('i', 'd', 'f'))::integer,
                   pg_catalog.count(*) FILTER (WHERE sr.srsubstate = 's')::integer,
                   pg_catalog.sum(CASE WHEN sr.srsubstate IN ('i', 'd')
                                       THEN COALESCE((SELECT p.tuples_processed FROM pg_catalog.pg_stat_progress_copy p
                                                       WHERE p.relid = sr.srrelid LIMIT 1), 0)
                                       ELSE COALESCE(pg_catalog.pg_stat_get_live_tuples(sr.srrelid), 0) END)::bigint
              INTO tables_total, tables_ready, not_copied, catching_up, rows_copied
              FROM pg_catalog.pg_subscription_rel sr WHERE sr.srsubid = sub_oid;
            SELECT w.pid, w.last_msg_receipt_time INTO apply_worker_pid, last_message_at
              FROM pg_catalog.pg_stat_subscription w WHERE w.subid = sub_oid AND w.relid IS NULL;
            SELECT st.apply_error_count, st.sync_error_count INTO apply_errors, sync_errors
              FROM pg_catalog.pg_stat_subscription_stats st WHERE st.subid = sub_oid;
            SELECT i.conninfo INTO source_info FROM @extschema@.wt_instances i WHERE i.name = reloc.source_instance;
            BEGIN
                lag_bytes := wt_internal.wt_remote_query_once(source_info, wt_internal.bind_sql(
                    'SELECT pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_insert_lsn(), confirmed_flush_lsn) '
                    'FROM pg_catalog.pg_replication_slots WHERE slot_name = $1', ARRAY[reloc.slot_name]))::numeric;
            EXCEPTION WHEN OTHERS THEN
                detail := 'source unreachable: ' || SQLERRM;
            END;
            phase := CASE
                WHEN sub_oid IS NULL THEN 'broken: subscription missing (cancel)'
                WHEN NOT sub_enabled THEN 'stopped: subscription disabled (see the server log)'
                WHEN apply_worker_pid IS NULL AND COALESCE(apply_errors, 0) + COALESCE(sync_errors, 0) > 0
                     THEN 'retrying after errors (see the server log)'
                WHEN not_copied > 0 THEN 'copying'
                WHEN catching_up > 0 OR lag_bytes IS NULL OR lag_bytes > 1048576 THEN 'catching up'
                ELSE 'ready for cut-over' END;
        ELSIF reloc.state = 'copying' AND reloc.role = 'source' THEN
            SELECT pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_insert_lsn(), s.confirmed_flush_lsn), s.active_pid
              INTO lag_bytes, apply_worker_pid
              FROM pg_catalog.pg_replication_slots s WHERE s.slot_name = reloc.slot_name;
            phase := 'publishing to ' || reloc.target_instance;
        END IF;
        RETURN NEXT;
    END LOOP;
END
$fn$;
COMMENT ON FUNCTION @extschema@.wt_relocation_status(text) IS
    'relocation: phase, lag in bytes and rows copied of each relocation';
REVOKE ALL ON FUNCTION @extschema@.wt_relocation_status(text) FROM PUBLIC;
