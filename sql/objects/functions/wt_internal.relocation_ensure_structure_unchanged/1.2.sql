-- Cut-over, under the source's lock: both copies still have the same structure.
CREATE FUNCTION wt_internal.relocation_ensure_structure_unchanged(connection_name text, remote_schema text,
                                                                  tenant_schema text)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    differences text := wt_internal.relocation_structure_differences($1, $2, $3);
BEGIN
    IF differences IS NOT NULL THEN
        RAISE EXCEPTION 'the structure of tenant "%" changed during its relocation', $3
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = differences || '. Logical replication does not carry DDL; nothing was switched.',
                  HINT = 'Cancel with wt_relocation_cancel() and start again.';
    END IF;
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_ensure_structure_unchanged(text, text, text) IS
    'internal (relocation precondition): the tenant''s structure is the same on both instances';
REVOKE ALL ON FUNCTION wt_internal.relocation_ensure_structure_unchanged(text, text, text) FROM PUBLIC;
