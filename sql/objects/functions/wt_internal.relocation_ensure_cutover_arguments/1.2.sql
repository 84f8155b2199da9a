-- Cut-over: its arguments.
CREATE FUNCTION wt_internal.relocation_ensure_cutover_arguments(tenant_schema text, wait_limit interval,
                                                                lock_limit interval, verify_mode text)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    IF $1 IS NULL OR $2 IS NULL OR $3 IS NULL OR $4 IS NULL THEN
        RAISE EXCEPTION 'arguments of wt_relocation_cutover must not be NULL' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF $4 NOT IN ('checksum', 'count', 'none') THEN
        RAISE EXCEPTION 'invalid verify mode "%"', $4
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use ''checksum'' (row counts and checksums), ''count'' (row counts) or ''none''.';
    END IF;
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_ensure_cutover_arguments(text, interval, interval, text) IS
    'internal (relocation precondition): the cut-over''s arguments are valid';
REVOKE ALL ON FUNCTION wt_internal.relocation_ensure_cutover_arguments(text, interval, interval, text) FROM PUBLIC;
