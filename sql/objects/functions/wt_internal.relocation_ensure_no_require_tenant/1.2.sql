-- Start, on the target: the subscription's owner (the current role) reaches
-- the tenant without tenant context.
CREATE FUNCTION wt_internal.relocation_ensure_no_require_tenant()
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    IF pg_catalog.current_setting('wellness_tenancy.require_tenant', true) = 'on' THEN
        RAISE EXCEPTION 'the subscription would run as role "%", which has wellness_tenancy.require_tenant on', current_user
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Its apply workers must reach the tenant''s schema without tenant context.',
                  HINT = 'Relocate as a DBA role without require_tenant.';
    END IF;
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_ensure_no_require_tenant() IS
    'internal (relocation precondition): the relocating role does not have require_tenant';
REVOKE ALL ON FUNCTION wt_internal.relocation_ensure_no_require_tenant() FROM PUBLIC;
