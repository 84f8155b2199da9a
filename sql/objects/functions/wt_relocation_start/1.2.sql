-- 1.2: in named phases, each a function of wt_internal; remote SQL with parameters.
CREATE OR REPLACE FUNCTION @extschema@.wt_relocation_start(schema_name text, source_instance text)
    RETURNS uuid
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    tenant_schema text := $1;
    source        text := $2;
    conn          text := 'wt_relocation_start';
    relocation    uuid := pg_catalog.gen_random_uuid();
    object_name   text;
    self          text;
    rx            text;  -- wellness_tenancy's schema on the source
    facts         jsonb;
    version       integer;
    slot_lsn      text;
BEGIN
    PERFORM wt_internal.wt_relocation_require_admin('start a relocation');
    IF tenant_schema IS NULL OR source IS NULL THEN
        RAISE EXCEPTION 'tenant schema name and source instance must not be NULL'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    PERFORM wt_internal.wt_dblink_schema();
    self := wt_internal.wt_local_instance();
    -- one start of a tenant at a time here: a second one waits, then finds it
    PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('wellness_tenancy relocation of ' || tenant_schema));

    -- phase: check preconditions (nothing is created before they all hold)
    PERFORM wt_internal.relocation_check_target(tenant_schema);
    rx := wt_internal.relocation_connect(conn, source);
    BEGIN
        facts := wt_internal.relocation_check_source(conn, rx, tenant_schema, source, self);
        version := (facts->>'target_version')::integer;
        PERFORM wt_internal.relocation_boundary('start:checked');
        -- phase: prepare the target schema (this transaction only)
        PERFORM wt_internal.relocation_prepare_target(conn, rx, tenant_schema, source, facts->'tenant', version);
        PERFORM wt_internal.relocation_boundary('start:target_prepared');
    EXCEPTION WHEN OTHERS THEN
        PERFORM wt_internal.wt_remote_disconnect(conn);
        RAISE;
    END;

    object_name := pg_catalog.format('wt_relocation_%s_%s', pg_catalog.left(tenant_schema, 40),
                                     pg_catalog.left(pg_catalog.replace(relocation::text, '-', ''), 8));
    BEGIN
        -- phase: record, publication and slot on the source (committed there)
        slot_lsn := wt_internal.relocation_publish(conn, relocation, tenant_schema, source, self, version, object_name);
        PERFORM wt_internal.relocation_boundary('start:slot_created');
        -- phase: subscription and record here (committed with this function)
        PERFORM wt_internal.relocation_subscribe(conn, rx, relocation, tenant_schema, source, self, version, object_name);
        PERFORM wt_internal.relocation_boundary('start:subscribed');
    EXCEPTION WHEN OTHERS THEN
        PERFORM wt_internal.relocation_undo_publish(conn, relocation, tenant_schema, source);
        PERFORM wt_internal.wt_remote_disconnect(conn);
        RAISE;
    END;
    PERFORM wt_internal.wt_remote_disconnect(conn);
    RAISE NOTICE 'relocation of tenant "%" from "%" started: initial copy under way (slot at %)', tenant_schema, source, slot_lsn
        USING HINT = 'Watch it with SELECT * FROM wt_relocation_status(''' || tenant_schema
                     || '''); cut over with wt_relocation_cutover() once its phase is "ready for cut-over".';
    RETURN relocation;
END
$fn$;
COMMENT ON FUNCTION @extschema@.wt_relocation_start(text, text) IS
    'relocation, on the target: provision the tenant here, publish it on the source, subscribe here';
REVOKE ALL ON FUNCTION @extschema@.wt_relocation_start(text, text) FROM PUBLIC;
