-- Start: the tenant is not being relocated from the source already.  A
-- relocation to this instance that the source still holds open but that this
-- instance never recorded is what a start interrupted by a crash (of either
-- side) leaves: its slot and publication are released, and this start goes on.
CREATE FUNCTION wt_internal.relocation_ensure_no_open_source_relocation(connection_name text, facts jsonb,
                                                                       tenant_schema text, source_instance text,
                                                                       self text)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    open jsonb := NULLIF($2->'open_relocation', 'null');
BEGIN
    IF open IS NULL THEN
        RETURN;
    END IF;
    IF open->>'target_instance' = $5 AND NOT EXISTS (
           SELECT 1 FROM @extschema@.tenant_relocations r WHERE r.id = (open->>'id')::uuid) THEN
        RAISE NOTICE 'relocation of tenant "%": releasing what an interrupted start left on instance "%" (%)',
            $3, $4, open->>'slot_name';
        PERFORM wt_internal.remote_query($1, 'SELECT wt_internal.relocation_source_release($1::uuid, ''cancelled'', NULL)::text',
                                         ARRAY[open->>'id']);
        RETURN;
    END IF;
    RAISE EXCEPTION 'tenant "%" is already being relocated from instance "%" to "%"', $3, $4, open->>'target_instance'
        USING ERRCODE = 'object_in_use',
              HINT = 'Cancel that relocation first: wt_relocation_cancel(''' || $3
                     || ''') on its target, or on the source when the target is gone.';
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_ensure_no_open_source_relocation(text, jsonb, text, text, text) IS
    'internal (relocation precondition): the tenant is not being relocated already (an interrupted start is released)';
REVOKE ALL ON FUNCTION wt_internal.relocation_ensure_no_open_source_relocation(text, jsonb, text, text, text) FROM PUBLIC;
