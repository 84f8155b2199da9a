-- A phase boundary of the relocation driver, where tests stop it.
-- wellness_tenancy.relocation_fail_at (superuser, for tests only) names one:
--   '<boundary>'        raise an error there (the step fails at that point);
--   '<boundary>:pause'  wait there until the transaction-level advisory lock
--                       pg_advisory_lock(hashtext('wellness_tenancy.relocation_fail_at'))
--                       held by the test is free, then go on: the test crashes
--                       either instance meanwhile.
CREATE FUNCTION wt_internal.relocation_boundary(boundary text)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    wanted text := pg_catalog.current_setting('wellness_tenancy.relocation_fail_at', true);
BEGIN
    IF wanted IS NULL OR wanted = '' OR pg_catalog.split_part(wanted, ':pause', 1) <> $1 THEN
        RETURN;
    END IF;
    IF wanted = $1 || ':pause' THEN
        RAISE NOTICE 'relocation paused at boundary "%" (wellness_tenancy.relocation_fail_at)', $1;
        PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('wellness_tenancy.relocation_fail_at'));
        RETURN;
    END IF;
    RAISE EXCEPTION 'relocation stopped at boundary "%"', $1
        USING ERRCODE = 'internal_error',
              DETAIL = 'wellness_tenancy.relocation_fail_at is set: a failure injected by a test.',
              HINT = 'RESET wellness_tenancy.relocation_fail_at;';
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_boundary(text) IS
    'internal (relocation): a phase boundary; wellness_tenancy.relocation_fail_at (tests only) stops the driver there';
REVOKE ALL ON FUNCTION wt_internal.relocation_boundary(text) FROM PUBLIC;
