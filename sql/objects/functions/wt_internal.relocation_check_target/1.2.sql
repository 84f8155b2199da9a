-- Start, phase "check preconditions" on this instance (the target).
CREATE FUNCTION wt_internal.relocation_check_target(tenant_schema text)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    PERFORM wt_internal.relocation_ensure_tenant_absent($1);
    PERFORM wt_internal.relocation_ensure_schema_absent($1);
    PERFORM wt_internal.relocation_ensure_none_here($1);
    PERFORM wt_internal.relocation_ensure_apply_workers();
    PERFORM wt_internal.relocation_ensure_no_require_tenant();
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_check_target(text) IS
    'internal (relocation start): the preconditions on the target';
REVOKE ALL ON FUNCTION wt_internal.relocation_check_target(text) FROM PUBLIC;
