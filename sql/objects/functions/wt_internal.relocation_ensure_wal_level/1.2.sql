-- Start: wal_level = logical on the source.
CREATE FUNCTION wt_internal.relocation_ensure_wal_level(facts jsonb, source_instance text)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    IF $1->>'wal_level' <> 'logical' THEN
        RAISE EXCEPTION 'wal_level is "%" on instance "%"', $1->>'wal_level', $2
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Logical replication needs wal_level = logical on the source.',
                  HINT = 'On "' || $2 || '": ALTER SYSTEM SET wal_level = logical; then restart it.';
    END IF;
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_ensure_wal_level(jsonb, text) IS
    'internal (relocation precondition): wal_level = logical on the source';
REVOKE ALL ON FUNCTION wt_internal.relocation_ensure_wal_level(jsonb, text) FROM PUBLIC;
