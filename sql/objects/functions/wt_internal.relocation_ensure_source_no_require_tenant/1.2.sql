-- Start: the source connection's role reads the tenant without tenant context.
CREATE FUNCTION wt_internal.relocation_ensure_source_no_require_tenant(facts jsonb, source_instance text)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    IF $1->>'require_tenant' = 'on' THEN
        RAISE EXCEPTION 'role "%" on instance "%" has wellness_tenancy.require_tenant on', $1->>'role', $2
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'The initial copy reads the tenant''s tables without tenant context.',
                  HINT = 'Use a DBA role without require_tenant in wt_instances.conninfo.';
    END IF;
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_ensure_source_no_require_tenant(jsonb, text) IS
    'internal (relocation precondition): the role reaching the source does not have require_tenant';
REVOKE ALL ON FUNCTION wt_internal.relocation_ensure_source_no_require_tenant(jsonb, text) FROM PUBLIC;
