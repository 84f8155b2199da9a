-- Second cut-over of a relocation already completed here whose source could
-- not be released then: release it now.
CREATE FUNCTION wt_internal.relocation_finish_release(connection_name text, reloc @extschema@.tenant_relocations)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    PERFORM wt_internal.relocation_connect($1, $2.source_instance);
    BEGIN
        PERFORM wt_internal.remote_query($1, 'SELECT wt_internal.relocation_source_release($1::uuid, NULL, $2::interval)::text',
                                         ARRAY[$2.id::text, $2.write_blocked::text]);
    EXCEPTION WHEN OTHERS THEN
        PERFORM wt_internal.wt_remote_disconnect($1);
        RAISE;
    END;
    PERFORM wt_internal.wt_remote_disconnect($1);
    PERFORM wt_internal.relocation_drop_subscription($2.subscription_name, true);
    UPDATE @extschema@.tenant_relocations r
       SET note = 'source released by a second wt_relocation_cutover()', updated_at = pg_catalog.now()
     WHERE r.id = $2.id;
    RAISE NOTICE 'relocation of tenant "%" was already cut over: released its replication slot and publication on "%"',
        $2.schema_name, $2.source_instance;
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_finish_release(text, @extschema@.tenant_relocations) IS
    'internal (relocation cut-over): release the source of a relocation completed while it was unreachable';
REVOKE ALL ON FUNCTION wt_internal.relocation_finish_release(text, @extschema@.tenant_relocations) FROM PUBLIC;
