-- Cancel, on the target: refuses if the source has handed the tenant over
-- (never undo a cut-over the source committed); otherwise releases the
-- source's slots and publication and marks its record cancelled.  Returns
-- NULL (the connection stays open), or why the source could not be released
-- (it cannot be reached).
CREATE FUNCTION wt_internal.relocation_cancel_source(connection_name text, reloc @extschema@.tenant_relocations,
                                                     self text)
    RETURNS text
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    rx text;
    source_row jsonb;
    problem text;
BEGIN
    BEGIN
        rx := wt_internal.relocation_connect($1, $2.source_instance);
        source_row := wt_internal.remote_query($1, pg_catalog.format(
            'SELECT pg_catalog.to_jsonb(t)::text FROM %s.tenants t WHERE t.schema_name = $1', rx),
            ARRAY[$2.schema_name::text])::jsonb;
    EXCEPTION WHEN sqlclient_unable_to_establish_sqlconnection THEN
        GET STACKED DIAGNOSTICS problem = MESSAGE_TEXT;
        RETURN problem;
    END;
    IF source_row->>'status' = 'relocated' AND source_row->>'placement' = $3 THEN
        PERFORM wt_internal.wt_remote_disconnect($1);
        RAISE EXCEPTION 'instance "%" has already handed tenant "%" over to this instance', $2.source_instance, $2.schema_name
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Complete the cut-over with SELECT * FROM wt_relocation_cutover(''' || $2.schema_name || ''');';
    END IF;
    BEGIN
        PERFORM wt_internal.remote_query($1, 'SELECT wt_internal.relocation_source_release($1::uuid, ''cancelled'', NULL)::text',
                                         ARRAY[$2.id::text]);
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS problem = MESSAGE_TEXT;
        PERFORM wt_internal.wt_remote_disconnect($1);
    END;
    RETURN problem;
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_cancel_source(text, @extschema@.tenant_relocations, text) IS
    'internal (relocation cancel): release the source, unless it has handed the tenant over';
REVOKE ALL ON FUNCTION wt_internal.relocation_cancel_source(text, @extschema@.tenant_relocations, text) FROM PUBLIC;
