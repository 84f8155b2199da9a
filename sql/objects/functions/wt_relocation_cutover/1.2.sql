-- 1.2: in named phases, each a function of wt_internal (check, freeze the
-- source, wait caught up, verify, switch the source registry, switch the
-- target registry, commit the source, release); remote SQL with parameters;
-- the subscription is dropped only once the source's slot is gone.
CREATE OR REPLACE FUNCTION @extschema@.wt_relocation_cutover(schema_name text,
                                                             timeout interval DEFAULT '1 min',
                                                             lock_timeout interval DEFAULT '5s',
                                                             verify text DEFAULT 'checksum')
    RETURNS TABLE(tenant text, source text, target text, caught_up_lsn pg_lsn,
                  tables_verified integer, rows_verified bigint, sequences_carried integer,
                  lock_wait interval, catch_up interval, verification interval,
                  write_blocked interval, unavailable interval)
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    -- the switch here must be durable before anyone relies on it
    SET synchronous_commit = on
AS $fn$
DECLARE
    tenant_schema text := $1;
    conn          text := 'wt_relocation_cutover';
    flusher       text := 'wt_relocation_cutover_flush';
    self          text;
    reloc         @extschema@.tenant_relocations;
    rx            text;
    source_row    jsonb;
    lag           numeric;
    frozen        jsonb;
    figures       jsonb;
    handed_status text;
    t             timestamptz[];  -- begin, lock requested, locked, caught up, verified, source committed
BEGIN
    PERFORM wt_internal.wt_relocation_require_admin('cut over a relocation');
    PERFORM wt_internal.relocation_ensure_cutover_arguments(tenant_schema, $2, $3, $4);
    PERFORM wt_internal.wt_dblink_schema();
    self := wt_internal.wt_local_instance();
    reloc := wt_internal.relocation_find(tenant_schema);
    IF reloc.state = 'completed' THEN
        PERFORM wt_internal.relocation_finish_release(conn, reloc);
        RETURN QUERY SELECT * FROM wt_internal.relocation_result(reloc.id, NULL);
        RETURN;
    END IF;
    t[1] := pg_catalog.clock_timestamp();
    rx := wt_internal.relocation_connect(conn, reloc.source_instance);
    BEGIN
        source_row := wt_internal.remote_query(conn, pg_catalog.format(
            'SELECT pg_catalog.to_jsonb(t)::text FROM %s.tenants t WHERE t.schema_name = $1', rx), ARRAY[tenant_schema])::jsonb;
        IF source_row->>'status' = 'relocated' AND source_row->>'placement' = self THEN
            PERFORM wt_internal.relocation_complete_handed_over(conn, rx, reloc);
            PERFORM wt_internal.wt_remote_disconnect(conn);
            RETURN QUERY SELECT * FROM wt_internal.relocation_result(reloc.id, NULL);
            RETURN;
        END IF;
        -- phase: check preconditions, wait until near (nothing blocked yet)
        lag := wt_internal.relocation_check_cutover(conn, reloc, source_row, $2, t[1]);
        PERFORM wt_internal.relocation_boundary('cutover:checked');
        PERFORM wt_internal.relocation_connect(flusher, reloc.source_instance);
        -- phase: freeze the source (its transaction stays open until the switch)
        t[2] := pg_catalog.clock_timestamp();
        frozen := wt_internal.relocation_freeze_source(conn, rx, reloc, $3, lag);
        t[3] := pg_catalog.clock_timestamp();
        PERFORM wt_internal.relocation_boundary('cutover:frozen');
        PERFORM wt_internal.relocation_ensure_structure_unchanged(conn, rx, tenant_schema);
        figures := pg_catalog.jsonb_build_object('sequences', wt_internal.remote_query(conn, pg_catalog.format(
            'SELECT COALESCE(pg_catalog.jsonb_agg(s), ''[]'')::text FROM %s.wt_tenant_sequences($1) s', rx),
            ARRAY[tenant_schema])::jsonb);
        PERFORM wt_internal.relocation_send_source_fingerprint(conn, rx, tenant_schema, $4);
        -- phase: wait until this instance has every change made before the lock
        figures := figures || pg_catalog.jsonb_build_object('caught_up_lsn',
            wt_internal.relocation_wait_caught_up(flusher, rx, reloc, (frozen->>'lsn')::pg_lsn, $2));
        t[4] := pg_catalog.clock_timestamp();
        PERFORM wt_internal.relocation_boundary('cutover:caught_up');
        -- phase: verify counts and checksums
        figures := figures || pg_catalog.jsonb_build_object('tables', wt_internal.relocation_verify(conn, reloc, $4));
        t[5] := pg_catalog.clock_timestamp();
        PERFORM wt_internal.relocation_boundary('cutover:verified');
        figures := figures || pg_catalog.jsonb_build_object('lock_wait', t[3] - t[2], 'catch_up', t[4] - t[3],
                                                            'verification', t[5] - t[4]);
        -- phase: switch the source registry, in its frozen transaction
        handed_status := wt_internal.remote_query(conn, 'SELECT wt_internal.relocation_source_hand_over($1::uuid, $2, $3::jsonb)',
                                                  ARRAY[reloc.id::text, self, figures::text]);
        PERFORM wt_internal.relocation_boundary('cutover:source_switched');
        -- phase: switch the target registry, in this transaction
        PERFORM wt_internal.relocation_switch_target(reloc, handed_status, figures);
        PERFORM wt_internal.relocation_boundary('cutover:target_switched');
        -- phase: commit the source: from here on it refuses the tenant
        PERFORM wt_internal.remote_exec(conn, 'COMMIT');
        t[6] := pg_catalog.clock_timestamp();
    EXCEPTION WHEN OTHERS THEN
        -- Closing the connection rolls the source's transaction back (if
        -- the COMMIT itself failed, running the cut-over again finds out).
        PERFORM wt_internal.wt_remote_disconnect(conn);
        PERFORM wt_internal.wt_remote_disconnect(flusher);
        RAISE;
    END;
    PERFORM wt_internal.wt_remote_disconnect(flusher);
    PERFORM wt_internal.relocation_boundary('cutover:source_committed');
    -- phase: release (the source's slot and publication, then the subscription)
    PERFORM wt_internal.relocation_release(conn, reloc, t[6] - t[2]);
    PERFORM wt_internal.wt_remote_disconnect(conn);
    PERFORM wt_internal.relocation_boundary('cutover:released');
    RAISE NOTICE 'tenant "%" now lives on this instance ("%"): writes were blocked on "%" for % ms',
        tenant_schema, self, reloc.source_instance, pg_catalog.round(EXTRACT(epoch FROM t[6] - t[2]) * 1000, 1)
        USING HINT = 'Point the application at "' || self || '" (wt_tenant_directory()); drop the copy left on "'
                     || reloc.source_instance || '" with wt_drop_tenant(''' || tenant_schema || ''') when you no longer need it.';
    RETURN QUERY SELECT * FROM wt_internal.relocation_result(reloc.id, pg_catalog.clock_timestamp() - t[2]);
END
$fn$;
COMMENT ON FUNCTION @extschema@.wt_relocation_cutover(text, interval, interval, text) IS
    'relocation, on the target: block writes on the source, wait for every change, carry sequences, verify, switch both registries';
REVOKE ALL ON FUNCTION @extschema@.wt_relocation_cutover(text, interval, interval, text) FROM PUBLIC;
