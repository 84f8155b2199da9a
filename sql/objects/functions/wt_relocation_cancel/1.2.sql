-- 1.2: the source's slot goes before the subscription here (dropping the
-- subscription clears its replication origin at once: a rolled-back cancel
-- must not leave a subscription that re-applies from an old position);
-- remote SQL with parameters.
CREATE OR REPLACE FUNCTION @extschema@.wt_relocation_cancel(schema_name text)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    tenant_schema text := $1;
    conn   text := 'wt_relocation_cancel';
    reloc  @extschema@.tenant_relocations;
    problem text;
BEGIN
    PERFORM wt_internal.wt_relocation_require_admin('cancel a relocation');
    PERFORM wt_internal.wt_dblink_schema();
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
        PERFORM wt_internal.relocation_source_release(reloc.id, 'cancelled', NULL);
        UPDATE @extschema@.tenant_relocations r SET note = 'cancelled on the source' WHERE r.id = reloc.id;
        RAISE WARNING 'relocation of tenant "%" cancelled on the source only', tenant_schema
            USING HINT = 'Also run SELECT wt_relocation_cancel(''' || tenant_schema || ''') on "'
                         || reloc.target_instance || '", whose subscription now fails.';
        RETURN;
    END IF;

    problem := wt_internal.relocation_cancel_source(conn, reloc, wt_internal.wt_local_instance());
    -- stop replicating here (this stops its workers at once), then release
    -- again what an initial-copy worker may have created on the source meanwhile
    PERFORM wt_internal.relocation_drop_subscription(reloc.subscription_name, true);
    IF problem IS NULL THEN
        BEGIN
            PERFORM wt_internal.remote_query(conn, 'SELECT wt_internal.relocation_source_release($1::uuid, NULL, NULL)::text',
                                             ARRAY[reloc.id::text]);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS problem = MESSAGE_TEXT;
        END;
    END IF;
    PERFORM wt_internal.wt_remote_disconnect(conn);
    IF problem IS NOT NULL THEN
        RAISE WARNING 'could not release the relocation''s objects on instance "%": %', reloc.source_instance, problem
            USING HINT = pg_catalog.format('On "%s": SELECT wt_relocation_cancel(%L);  (its replication slot keeps WAL until then)',
                                           reloc.source_instance, tenant_schema);
    END IF;
    -- the half-provisioned tenant (suspended, unless someone resumed it:
    -- wt_drop_tenant drops suspended tenants only)
    IF EXISTS (SELECT 1 FROM @extschema@.tenants t WHERE t.schema_name = tenant_schema) THEN
        UPDATE @extschema@.tenants t SET status = 'suspended', updated_at = pg_catalog.now()
         WHERE t.schema_name = tenant_schema AND t.status <> 'suspended';
        PERFORM @extschema@.wt_drop_tenant(tenant_schema);
    END IF;
    UPDATE @extschema@.tenant_relocations r
       SET state = 'cancelled', finished_at = pg_catalog.now(), updated_at = pg_catalog.now(),
           note = CASE WHEN problem IS NULL THEN NULL ELSE 'source not released: ' || problem END
     WHERE r.id = reloc.id;
    RAISE NOTICE 'relocation of tenant "%" cancelled: instance "%" keeps serving it', tenant_schema, reloc.source_instance;
END
$fn$;
COMMENT ON FUNCTION @extschema@.wt_relocation_cancel(text) IS
    'relocation, on the target: undo a relocation that has not been cut over';
REVOKE ALL ON FUNCTION @extschema@.wt_relocation_cancel(text) FROM PUBLIC;
