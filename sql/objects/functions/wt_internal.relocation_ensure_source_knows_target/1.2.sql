-- Start: the source can resolve this instance's name (its registry will name it).
CREATE FUNCTION wt_internal.relocation_ensure_source_knows_target(facts jsonb, source_instance text, self text)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    IF NOT ($1->>'knows_target')::boolean THEN
        RAISE EXCEPTION 'instance "%" does not know this instance ("%")', $2, $3
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'After cut-over its registry names "' || $3 || '" as the tenant''s home; its directory must resolve that name.',
                  HINT = 'On "' || $2 || '": INSERT INTO wt_instances (name, conninfo) VALUES (''' || $3 || ''', ''host=... dbname=...'');';
    END IF;
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_ensure_source_knows_target(jsonb, text, text) IS
    'internal (relocation precondition): the source has this instance in its wt_instances';
REVOKE ALL ON FUNCTION wt_internal.relocation_ensure_source_knows_target(jsonb, text, text) FROM PUBLIC;
