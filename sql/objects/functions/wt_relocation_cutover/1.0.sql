CREATE FUNCTION @extschema@.wt_relocation_cutover(schema_name text,
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
#variable_conflict use_column
DECLARE
    tenant_schema text := $1;
    wait_limit    interval := $2;
    lock_limit    interval := $3;
    verify_mode   text := $4;
    conn          text := 'wt_relocation_cutover';
    flusher       text := 'wt_relocation_cutover_flush';
    dbl           text;
    self          text;
    reloc         @extschema@.tenant_relocations;
    rx            text;
    source_row    jsonb;
    source_record jsonb;
    sub_oid       oid;
    sub_enabled   boolean;
    not_ready     integer;
    all_tables    integer;
    lag           numeric;
    frozen        jsonb;
    wanted_lsn    pg_lsn;
    confirmed     pg_lsn;
    differences   text;
    sequence_values jsonb;
    source_prints jsonb;
    target_prints jsonb;
    compared      jsonb;
    mismatch      text;
    carried       integer;
    handed_status text;
    t_begin       timestamptz;
    t_lock        timestamptz;
    t_locked      timestamptz;
    t_caught      timestamptz;
    t_verified    timestamptz;
    t_committed   timestamptz;
    problem       text;
BEGIN
    PERFORM @extschema@.wt_relocation_require_admin('cut over a relocation');
    IF tenant_schema IS NULL OR wait_limit IS NULL OR lock_limit IS NULL OR verify_mode IS NULL THEN
        RAISE EXCEPTION 'arguments of wt_relocation_cutover must not be NULL' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF verify_mode NOT IN ('checksum', 'count', 'none') THEN
        RAISE EXCEPTION 'invalid verify mode "%"', verify_mode
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use ''checksum'' (row counts and checksums), ''count'' (row counts) or ''none''.';
    END IF;
    dbl := @extschema@.wt_dblink_schema();
    self := @extschema@.wt_local_instance();
    SELECT * INTO reloc FROM @extschema@.tenant_relocations r
     WHERE r.schema_name = tenant_schema AND r.state = 'copying' FOR UPDATE;
    IF NOT FOUND OR reloc.role <> 'target' THEN
        RAISE EXCEPTION 'no relocation of tenant "%" to this instance is in progress', tenant_schema
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = CASE WHEN reloc.role = 'source'
                              THEN 'This is the source: run wt_relocation_cutover() on the target, "' || reloc.target_instance || '".'
                              ELSE 'wt_relocation_status() shows relocations; wt_relocation_start() begins one.' END;
    END IF;
    t_begin := pg_catalog.clock_timestamp();
    rx := @extschema@.wt_remote_connect(conn, reloc.source_instance);
    BEGIN
        source_row := @extschema@.wt_remote_query(conn, pg_catalog.format(
            'SELECT pg_catalog.to_jsonb(t)::text FROM %s.tenants t WHERE t.schema_name = %L', rx, tenant_schema))::jsonb;

        -- A cut-over whose source transaction committed but whose target
        -- transaction did not (crash, lost connection at COMMIT): finish it.
        IF source_row->>'status' = 'relocated' AND source_row->>'placement' = self THEN
            source_record := @extschema@.wt_remote_query(conn, pg_catalog.format(
                'SELECT pg_catalog.to_jsonb(r)::text FROM %s.tenant_relocations r WHERE r.id = %L', rx, reloc.id))::jsonb;
            RAISE NOTICE 'relocation of tenant "%": instance "%" already handed it over; completing the cut-over here',
                tenant_schema, reloc.source_instance;
            carried := @extschema@.wt_relocation_switch_target(tenant_schema, reloc.subscription_name,
                                                               source_record->>'tenant_status', source_record->'sequences');
            BEGIN
                PERFORM @extschema@.wt_remote_query(conn, pg_catalog.format(
                    'SELECT %s.wt_relocation_release_source(%L, %L, %s)::text', rx, reloc.slot_name,
                    reloc.publication_name, COALESCE(reloc.subscription_oid::text, 'NULL')));
            EXCEPTION WHEN OTHERS THEN
                GET STACKED DIAGNOSTICS problem = MESSAGE_TEXT;
                RAISE WARNING 'could not release replication slot "%" on instance "%": %', reloc.slot_name,
                    reloc.source_instance, problem
                    USING HINT = pg_catalog.format('On "%s": SELECT pg_drop_replication_slot(%L);',
                                                   reloc.source_instance, reloc.slot_name);
            END;
            PERFORM @extschema@.wt_remote_disconnect(conn);
            UPDATE @extschema@.tenant_relocations r
               SET state = 'completed', finished_at = pg_catalog.now(), updated_at = pg_catalog.now(),
                   tenant_status = source_record->>'tenant_status',
                   caught_up_lsn = (source_record->>'caught_up_lsn')::pg_lsn,
                   lock_wait = (source_record->>'lock_wait')::interval,
                   catch_up = (source_record->>'catch_up')::interval,
                   verification = (source_record->>'verification')::interval,
                   write_blocked = (source_record->>'write_blocked')::interval,
                   tables = source_record->'tables', sequences = source_record->'sequences',
                   note = 'completed by a second wt_relocation_cutover() after the source had committed'
             WHERE r.id = reloc.id;
            RETURN QUERY SELECT tenant_schema, reloc.source_instance, self,
                                (source_record->>'caught_up_lsn')::pg_lsn,
                                (SELECT pg_catalog.count(*)::integer FROM pg_catalog.jsonb_object_keys(COALESCE(source_record->'tables', '{}'::jsonb))),
                                NULL::bigint, carried,
                                (source_record->>'lock_wait')::interval, (source_record->>'catch_up')::interval,
                                (source_record->>'verification')::interval, (source_record->>'write_blocked')::interval,
                                NULL::interval;
            RETURN;
        END IF;
        IF source_row IS NULL OR source_row->>'status' = 'relocated' OR source_row->>'placement' IS NOT NULL THEN
            RAISE EXCEPTION 'tenant "%" no longer lives on instance "%"', tenant_schema, reloc.source_instance
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = CASE WHEN source_row IS NULL THEN 'Its registry row there is gone.'
                                    ELSE pg_catalog.format('Its registry row there says status %s, placement %s.',
                                                           source_row->>'status', COALESCE(source_row->>'placement', 'here')) END,
                      HINT = 'Cancel this relocation with wt_relocation_cancel().';
        END IF;

        -- the subscription has copied every table and is streaming
        SELECT s.oid, s.subenabled INTO sub_oid, sub_enabled FROM pg_catalog.pg_subscription s
         WHERE s.subname = reloc.subscription_name
           AND s.subdbid = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = current_database());
        IF sub_oid IS NULL THEN
            RAISE EXCEPTION 'subscription "%" of the relocation of tenant "%" is missing', reloc.subscription_name, tenant_schema
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      HINT = 'Cancel the relocation with wt_relocation_cancel() and start it again.';
        END IF;
        IF NOT sub_enabled THEN
            RAISE EXCEPTION 'subscription "%" of the relocation of tenant "%" is disabled', reloc.subscription_name, tenant_schema
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = 'It disables itself on an apply error (disable_on_error); the server log says which.',
                      HINT = 'Fix the cause and ALTER SUBSCRIPTION ' || pg_catalog.quote_ident(reloc.subscription_name)
                             || ' ENABLE, or cancel with wt_relocation_cancel().';
        END IF;
        SELECT pg_catalog.count(*) FILTER (WHERE sr.srsubstate <> 'r'), pg_catalog.count(*)
          INTO not_ready, all_tables
          FROM pg_catalog.pg_subscription_rel sr WHERE sr.srsubid = sub_oid;
        IF not_ready > 0 THEN
            RAISE EXCEPTION 'the initial copy of tenant "%" is not finished', tenant_schema
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = pg_catalog.format('%s of %s tables are streaming.', all_tables - not_ready, all_tables),
                      HINT = 'Wait until SELECT phase FROM wt_relocation_status(''' || tenant_schema
                             || ''') says "ready for cut-over".';
        END IF;

        -- catch up without blocking anyone first
        LOOP
            lag := @extschema@.wt_remote_query(conn, pg_catalog.format(
                'SELECT pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_insert_lsn(), confirmed_flush_lsn) '
                'FROM pg_catalog.pg_replication_slots WHERE slot_name = %L', reloc.slot_name))::numeric;
            IF lag IS NULL THEN
                RAISE EXCEPTION 'replication slot "%" is missing on instance "%"', reloc.slot_name, reloc.source_instance
                    USING ERRCODE = 'object_not_in_prerequisite_state',
                          HINT = 'Cancel the relocation with wt_relocation_cancel() and start it again.';
            END IF;
            EXIT WHEN lag <= 1048576;
            IF pg_catalog.clock_timestamp() - t_begin > wait_limit THEN
                RAISE EXCEPTION 'tenant "%" did not catch up within %', tenant_schema, wait_limit
                    USING ERRCODE = 'object_not_in_prerequisite_state',
                          DETAIL = pg_catalog.format('%s bytes of WAL still to apply; nothing was blocked or switched.', lag),
                          HINT = 'Retry later, or with a longer timeout.';
            END IF;
            PERFORM pg_catalog.pg_sleep(0.05);
        END LOOP;
        PERFORM @extschema@.wt_remote_connect(flusher, reloc.source_instance);

        -- block writes on the source: from here until its COMMIT the
        -- tenant's writers wait (readers do not)
        RAISE NOTICE 'relocation of tenant "%": blocking writes on instance "%" (lag % bytes)', tenant_schema,
            reloc.source_instance, lag;
        t_lock := pg_catalog.clock_timestamp();
        PERFORM @extschema@.wt_remote_exec(conn, 'BEGIN');
        BEGIN
            frozen := @extschema@.wt_remote_query(conn, pg_catalog.format('SELECT %s.wt_relocation_freeze(%L, %s)::text',
                          rx, tenant_schema, (EXTRACT(epoch FROM lock_limit) * 1000)::bigint))::jsonb;
        EXCEPTION WHEN lock_not_available THEN
            GET STACKED DIAGNOSTICS problem = PG_EXCEPTION_DETAIL;
            RAISE EXCEPTION 'could not block writes to tenant "%" on instance "%" within %', tenant_schema,
                    reloc.source_instance, lock_limit
                USING ERRCODE = 'lock_not_available',
                      DETAIL = COALESCE(problem || ' ', '') || 'Nothing was switched.',
                      HINT = 'Find it in pg_locks and pg_stat_activity on the source, then retry, or pass a longer lock_timeout.';
        END;
        t_locked := pg_catalog.clock_timestamp();
        IF (frozen->>'lock_attempts')::integer > 1 THEN
            RAISE NOTICE 'relocation of tenant "%": writes blocked after % attempts to lock its tables', tenant_schema,
                frozen->>'lock_attempts';
        END IF;
        SELECT pg_catalog.string_agg(pg_catalog.format('%s %s (%s)', d.object_kind, d.object_name, d.difference), ', ')
          INTO differences
          FROM @extschema@.wt_structure_differences(tenant_schema,
                   @extschema@.wt_remote_query(conn, pg_catalog.format(
                       'SELECT COALESCE(pg_catalog.jsonb_agg(s), ''[]'')::text FROM %s.wt_tenant_structure(%L) s',
                       rx, tenant_schema))::jsonb) d;
        IF differences IS NOT NULL THEN
            RAISE EXCEPTION 'the structure of tenant "%" changed during its relocation', tenant_schema
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = differences || '. Logical replication does not carry DDL; nothing was switched.',
                      HINT = 'Cancel with wt_relocation_cancel() and start again.';
        END IF;

        wanted_lsn := (frozen->>'lsn')::pg_lsn;
        sequence_values := @extschema@.wt_remote_query(conn, pg_catalog.format(
            'SELECT COALESCE(pg_catalog.jsonb_agg(s), ''[]'')::text FROM %s.wt_tenant_sequences(%L) s',
            rx, tenant_schema))::jsonb;
        -- The source's rows are final now: count (and checksum) them inside
        -- the frozen transaction while the target catches up.
        IF verify_mode <> 'none' THEN
            EXECUTE pg_catalog.format('SELECT %s.dblink_send_query(%L, %L)', dbl, conn, pg_catalog.format(
                'SELECT COALESCE(pg_catalog.jsonb_agg(f), ''[]'')::text FROM %s.wt_tenant_fingerprint(%L, %L) f',
                rx, tenant_schema, verify_mode = 'checksum'));
        END IF;

        -- Wait until the target has every change made before the lock.  The
        -- walsender sends flushed WAL only: one synchronous commit that
        -- writes a row (a transaction that writes nothing commits
        -- asynchronously whatever synchronous_commit says) flushes the
        -- source's WAL past wanted_lsn.  The slot's confirmed position
        -- is what the subscriber has applied and flushed (its apply worker
        -- commits synchronously, so it reports at once).
        PERFORM @extschema@.wt_remote_exec(flusher, pg_catalog.format(
            'BEGIN; SET LOCAL synchronous_commit = on; '
            'UPDATE %s.tenant_relocations SET updated_at = pg_catalog.now() WHERE id = %L; COMMIT', rx, reloc.id));
        LOOP
            confirmed := @extschema@.wt_remote_query(flusher, pg_catalog.format(
                'SELECT confirmed_flush_lsn::text FROM pg_catalog.pg_replication_slots WHERE slot_name = %L',
                reloc.slot_name))::pg_lsn;
            EXIT WHEN confirmed >= wanted_lsn;
            IF pg_catalog.clock_timestamp() - t_locked > wait_limit THEN
                RAISE EXCEPTION 'tenant "%" did not catch up within % while its writes were blocked', tenant_schema, wait_limit
                    USING ERRCODE = 'object_not_in_prerequisite_state',
                          DETAIL = pg_catalog.format('Applied up to %s of %s; writes resumed on the source, nothing was switched.',
                                                     confirmed, wanted_lsn),
                          HINT = 'Check the subscription (wt_relocation_status) and retry.';
            END IF;
            PERFORM pg_catalog.pg_sleep(0.001);
        END LOOP;
        t_caught := pg_catalog.clock_timestamp();

        -- both sides hold the same rows, or this stops here
        IF verify_mode <> 'none' THEN
            SELECT COALESCE(pg_catalog.jsonb_agg(f), '[]') INTO target_prints
              FROM @extschema@.wt_tenant_fingerprint(tenant_schema, verify_mode = 'checksum') f;
            EXECUTE pg_catalog.format('SELECT v FROM %s.dblink_get_result(%L) AS t(v text)', dbl, conn) INTO source_prints;
            EXECUTE pg_catalog.format('SELECT v FROM %s.dblink_get_result(%L) AS t(v text)', dbl, conn);
            SELECT pg_catalog.jsonb_object_agg(COALESCE(s.table_name, t.table_name), pg_catalog.jsonb_build_object(
                       'source_rows', s.row_count, 'target_rows', t.row_count,
                       'source_checksum', s.checksum, 'target_checksum', t.checksum)),
                   pg_catalog.string_agg(CASE WHEN s.row_count IS DISTINCT FROM t.row_count
                                                OR s.checksum IS DISTINCT FROM t.checksum
                                              THEN pg_catalog.format('%s: %s rows there, %s here%s', COALESCE(s.table_name, t.table_name),
                                                       COALESCE(s.row_count::text, 'no table'), COALESCE(t.row_count::text, 'no table'),
                                                       CASE WHEN s.checksum IS DISTINCT FROM t.checksum THEN ', checksums differ' ELSE '' END)
                                         END, '; ')
              INTO compared, mismatch
              FROM pg_catalog.jsonb_to_recordset(source_prints) AS s(table_name text, row_count bigint, checksum numeric)
              FULL JOIN pg_catalog.jsonb_to_recordset(target_prints) AS t(table_name text, row_count bigint, checksum numeric)
                ON s.table_name = t.table_name;
            IF mismatch IS NOT NULL THEN
                RAISE EXCEPTION 'tenant "%" differs between instance "%" and this one after catching up', tenant_schema,
                        reloc.source_instance
                    USING ERRCODE = 'data_corrupted',
                          DETAIL = mismatch || '. Writes resumed on the source; nothing was switched.',
                          HINT = 'Something wrote to the tenant here during the relocation. Cancel it with wt_relocation_cancel() and start again.';
            END IF;
        END IF;
        t_verified := pg_catalog.clock_timestamp();

        -- The switch.  The source's registry row first, in its frozen
        -- transaction (this also locks the row against a concurrent
        -- suspend or drop); then this side, which commits with this
        -- function; then the source's COMMIT: from there on it refuses the
        -- tenant and names this instance, also to the writers that waited
        -- on the lock.
        PERFORM @extschema@.wt_remote_exec(conn, pg_catalog.format('DROP PUBLICATION IF EXISTS %I', reloc.publication_name));
        handed_status := @extschema@.wt_remote_query(conn, pg_catalog.format(
            'SELECT %s.wt_relocation_hand_over(%L, %L)', rx, tenant_schema, self));
        carried := @extschema@.wt_relocation_switch_target(tenant_schema, reloc.subscription_name,
                                                           handed_status, sequence_values);
        PERFORM @extschema@.wt_remote_exec(conn, pg_catalog.format(
            'UPDATE %s.tenant_relocations SET state = ''completed'', finished_at = pg_catalog.now(), '
            'updated_at = pg_catalog.now(), tenant_status = %L, caught_up_lsn = %L, lock_wait = %L, catch_up = %L, '
            'verification = %L, tables = %L, sequences = %L WHERE id = %L',
            rx, handed_status, confirmed, t_locked - t_lock, t_caught - t_locked, t_verified - t_caught,
            compared, sequence_values, reloc.id));
        PERFORM @extschema@.wt_remote_exec(conn, 'COMMIT');
        t_committed := pg_catalog.clock_timestamp();
    EXCEPTION WHEN OTHERS THEN
        -- Closing the connection rolls the source's transaction back (if
        -- the COMMIT itself failed, rerunning the cut-over finds out).
        PERFORM @extschema@.wt_remote_disconnect(conn);
        PERFORM @extschema@.wt_remote_disconnect(flusher);
        RAISE;
    END;

    -- Committed on the source.  Nothing below may undo the switch: problems
    -- become warnings with the command that finishes the job.
    BEGIN
        PERFORM @extschema@.wt_remote_exec(conn, pg_catalog.format(
            'UPDATE %s.tenant_relocations SET write_blocked = %L WHERE id = %L', rx, t_committed - t_lock, reloc.id));
        PERFORM @extschema@.wt_remote_query(conn, pg_catalog.format(
            'SELECT %s.wt_relocation_release_source(%L, %L, %s)::text', rx, reloc.slot_name, reloc.publication_name,
            COALESCE(reloc.subscription_oid::text, 'NULL')));
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS problem = MESSAGE_TEXT;
        RAISE WARNING 'could not release replication slot "%" on instance "%": %', reloc.slot_name,
            reloc.source_instance, problem
            USING HINT = pg_catalog.format('On "%s": SELECT pg_drop_replication_slot(%L);  (a forgotten slot keeps WAL forever)',
                                           reloc.source_instance, reloc.slot_name);
    END;
    PERFORM @extschema@.wt_remote_disconnect(conn);
    PERFORM @extschema@.wt_remote_disconnect(flusher);

    UPDATE @extschema@.tenant_relocations r
       SET state = 'completed', finished_at = pg_catalog.now(), updated_at = pg_catalog.now(),
           tenant_status = handed_status, caught_up_lsn = confirmed,
           lock_wait = t_locked - t_lock, catch_up = t_caught - t_locked,
           verification = t_verified - t_caught, write_blocked = t_committed - t_lock,
           tables = compared, sequences = sequence_values
     WHERE r.id = reloc.id;
    RAISE NOTICE 'tenant "%" now lives on this instance ("%"): writes were blocked on "%" for % ms',
        tenant_schema, self, reloc.source_instance,
        pg_catalog.round(EXTRACT(epoch FROM t_committed - t_lock) * 1000, 1)
        USING HINT = 'Point the application at "' || self || '" (wt_tenant_directory()); drop the copy left on "'
                     || reloc.source_instance || '" with wt_drop_tenant(''' || tenant_schema || ''') when you no longer need it.';
    RETURN QUERY SELECT tenant_schema, reloc.source_instance, self, confirmed,
                        (SELECT pg_catalog.count(*)::integer FROM pg_catalog.jsonb_object_keys(COALESCE(compared, '{}'::jsonb))),
                        (SELECT pg_catalog.sum((v->>'target_rows')::bigint)::bigint FROM pg_catalog.jsonb_each(COALESCE(compared, '{}'::jsonb)) AS e(k, v)),
                        carried, t_locked - t_lock, t_caught - t_locked, t_verified - t_caught,
                        t_committed - t_lock, pg_catalog.clock_timestamp() - t_lock;
END
$fn$;
