-- Start: the source's connection reaches the instance of that name.
CREATE FUNCTION wt_internal.relocation_ensure_source_named(facts jsonb, source_instance text)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    IF $1->>'instance' IS DISTINCT FROM $2 THEN
        RAISE EXCEPTION 'the connection of instance "%" reaches instance "%"', $2, COALESCE($1->>'instance', '(unnamed)')
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'wt_instances on the far side names itself differently.',
                  HINT = 'Fix wt_instances.conninfo here, or the is_local row there.';
    END IF;
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_ensure_source_named(jsonb, text) IS
    'internal (relocation precondition): the source''s connection reaches the instance of that name';
REVOKE ALL ON FUNCTION wt_internal.relocation_ensure_source_named(jsonb, text) FROM PUBLIC;
