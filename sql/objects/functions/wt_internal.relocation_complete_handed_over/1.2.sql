-- Cut-over whose source transaction committed but whose target transaction
-- did not (a crash, a connection lost at COMMIT): the switch here with the
-- figures the source recorded, then the release.
CREATE FUNCTION wt_internal.relocation_complete_handed_over(connection_name text, remote_schema text,
                                                            reloc @extschema@.tenant_relocations)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    source_record jsonb;
BEGIN
    source_record := wt_internal.remote_query($1, pg_catalog.format(
        'SELECT pg_catalog.to_jsonb(r)::text FROM %s.tenant_relocations r WHERE r.id = $1::uuid', $2),
        ARRAY[$3.id::text])::jsonb;
    RAISE NOTICE 'relocation of tenant "%": instance "%" already handed it over; completing the cut-over here',
        $3.schema_name, $3.source_instance;
    PERFORM wt_internal.relocation_switch_target($3, source_record->>'tenant_status', source_record);
    UPDATE @extschema@.tenant_relocations r
       SET note = 'completed by a second wt_relocation_cutover() after the source had committed'
     WHERE r.id = $3.id;
    PERFORM wt_internal.relocation_release($1, $3, NULL);
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_complete_handed_over(text, text, @extschema@.tenant_relocations) IS
    'internal (relocation cut-over): finish a cut-over the source has committed';
REVOKE ALL ON FUNCTION wt_internal.relocation_complete_handed_over(text, text, @extschema@.tenant_relocations) FROM PUBLIC;
