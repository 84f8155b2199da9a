-- Start: the same extension version on both sides.
CREATE FUNCTION wt_internal.relocation_ensure_same_version(connection_name text, source_instance text)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    local_version text;
    remote_version text := wt_internal.remote_query($1,
        'SELECT extversion FROM pg_catalog.pg_extension WHERE extname = ''wellness_tenancy''');
BEGIN
    SELECT e.extversion INTO local_version FROM pg_catalog.pg_extension e WHERE e.extname = 'wellness_tenancy';
    IF remote_version IS DISTINCT FROM local_version THEN
        RAISE EXCEPTION 'wellness_tenancy versions differ: % on "%", % here', remote_version, $2, local_version
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Both instances run the same relocation protocol and tenant template.',
                  HINT = 'ALTER EXTENSION wellness_tenancy UPDATE on the older instance, then migrate its tenants.';
    END IF;
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_ensure_same_version(text, text) IS
    'internal (relocation precondition): the same wellness_tenancy version on both instances';
REVOKE ALL ON FUNCTION wt_internal.relocation_ensure_same_version(text, text) FROM PUBLIC;
