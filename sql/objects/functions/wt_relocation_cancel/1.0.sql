CREATE FUNCTION @extschema@.wt_relocation_cancel(schema_name text)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
#variable_conflict use_column
DECLARE
    tenant_schema text := $1;
    conn   text := 'wt_relocation_cancel';
    self   text;
    reloc  @extschema@.tenant_relocations;
    rx     text;
    source_row jsonb;
    problem text;
    source_released boolean := false;
BEGIN
    PERFORM @extschema@.wt_relocation_require_admin('cancel a relocation');
    PERFORM @extschema@.wt_dblink_schema();
    self := @extschema@.wt_local_instance();
    SELECT * INTO reloc FROM @extschema@.tenant_relocations r
     WHERE r.schema_name = tenant_schema AND r.state = 'copying' FOR UPDATE;
    IF NOT FOUND THEN
        IF EXISTS (SELECT 1 FROM @extschema@.tenant_relocations r
                    WHERE r.schema_name = tenant_schema AND r.state = 'completed') THEN
            RAISE EXCEPTION 'the relocation of tenant "%" is already cut over', tenant_schema
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      HINT = 'To move it back, relocate it again in the other direction.';
        END IF;
        RAISE EXCEPTION 'no relocation of tenant "%" is in progress on this instance', tenant_schema
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;

    IF reloc.role = 'source' THEN
        -- The target is gone or cannot be reached: release the source.
        PERFORM @extschema@.wt_relocation_release_source(reloc.slot_name, reloc.publication_name, reloc.subscription_oid);
        UPDATE @extschema@.tenant_relocations r
           SET state = 'cancelled', finished_at = pg_catalog.now(), updated_at = pg_catalog.now(),
               note = 'cancelled on the source'
         WHERE r.id = reloc.id;
        RAISE WARNING 'relocation of tenant "%" cancelled on the source only', tenant_schema
            USING HINT = 'Also run SELECT wt_relocation_cancel(''' || tenant_schema || ''') on "'
                         || reloc.target_instance || '", whose subscription now fails.';
        RETURN;
    END IF;

    -- Never undo a cut-over the source has committed.
    BEGIN
        rx := @extschema@.wt_remote_connect(conn, reloc.source_instance);
        source_row := @extschema@.wt_remote_query(conn, pg_catalog.format(
            'SELECT pg_catalog.to_jsonb(t)::text FROM %s.tenants t WHERE t.schema_name = %L', rx, tenant_schema))::jsonb;
    EXCEPTION WHEN sqlclient_unable_to_establish_sqlconnection THEN
        GET STACKED DIAGNOSTICS problem = MESSAGE_TEXT;
        rx := NULL;
    END;
    IF source_row->>'status' = 'relocated' AND source_row->>'placement' = self THEN
        PERFORM @extschema@.wt_remote_disconnect(conn);
        RAISE EXCEPTION 'instance "%" has already handed tenant "%" over to this instance', reloc.source_instance, tenant_schema
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Complete the cut-over with SELECT * FROM wt_relocation_cutover(''' || tenant_schema || ''');';
    END IF;

    -- stop replicating here (drops the initial-copy slots on the source too,
    -- when it can reach it)
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_subscription s
                WHERE s.subname = reloc.subscription_name
                  AND s.subdbid = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = current_database())) THEN
        EXECUTE pg_catalog.format('ALTER SUBSCRIPTION %I DISABLE', reloc.subscription_name);
        EXECUTE pg_catalog.format('ALTER SUBSCRIPTION %I SET (slot_name = NONE)', reloc.subscription_name);
        EXECUTE pg_catalog.format('DROP SUBSCRIPTION %I', reloc.subscription_name);
    END IF;

    -- the source: slot, initial-copy slots, publication, its record
    IF rx IS NOT NULL THEN
        BEGIN
            PERFORM @extschema@.wt_remote_query(conn, pg_catalog.format(
                'SELECT %s.wt_relocation_release_source(%L, %L, %s)::text', rx, reloc.slot_name, reloc.publication_name,
                COALESCE(reloc.subscription_oid::text, 'NULL')));
            PERFORM @extschema@.wt_remote_exec(conn, pg_catalog.format(
                'UPDATE %s.tenant_relocations SET state = ''cancelled'', finished_at = pg_catalog.now(), '
                'updated_at = pg_catalog.now() WHERE id = %L AND state = ''copying''', rx, reloc.id));
            source_released := true;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS problem = MESSAGE_TEXT;
        END;
        PERFORM @extschema@.wt_remote_disconnect(conn);
    END IF;
    IF NOT source_released THEN
        RAISE WARNING 'could not release the relocation''s objects on instance "%": %', reloc.source_instance, problem
            USING HINT = pg_catalog.format('On "%s": SELECT wt_relocation_cancel(%L);  (its replication slot keeps WAL until then)',
                                           reloc.source_instance, tenant_schema);
    END IF;

    -- the half-provisioned tenant here (suspended, unless someone resumed it:
    -- wt_drop_tenant drops suspended tenants only)
    IF EXISTS (SELECT 1 FROM @extschema@.tenants t WHERE t.schema_name = tenant_schema) THEN
        UPDATE @extschema@.tenants t SET status = 'suspended', updated_at = pg_catalog.now()
         WHERE t.schema_name = tenant_schema AND t.status <> 'suspended';
        PERFORM @extschema@.wt_drop_tenant(tenant_schema);
    END IF;
    UPDATE @extschema@.tenant_relocations r
       SET state = 'cancelled', finished_at = pg_catalog.now(), updated_at = pg_catalog.now(),
           note = CASE WHEN source_released THEN NULL ELSE 'source not released: ' || COALESCE(problem, '?') END
     WHERE r.id = reloc.id;
    RAISE NOTICE 'relocation of tenant "%" cancelled: instance "%" keeps serving it', tenant_schema, reloc.source_instance;
END
$fn$;
