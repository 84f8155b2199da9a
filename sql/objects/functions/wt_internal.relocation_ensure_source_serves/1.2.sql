-- Cut-over: the source still serves the tenant.
CREATE FUNCTION wt_internal.relocation_ensure_source_serves(source_row jsonb, tenant_schema text, source_instance text)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    IF $1 IS NULL OR $1->>'status' = 'relocated' OR $1->>'placement' IS NOT NULL THEN
        RAISE EXCEPTION 'tenant "%" no longer lives on instance "%"', $2, $3
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = CASE WHEN $1 IS NULL THEN 'Its registry row there is gone.'
                                ELSE pg_catalog.format('Its registry row there says status %s, placement %s.',
                                                       $1->>'status', COALESCE($1->>'placement', 'here')) END,
                  HINT = 'Cancel this relocation with wt_relocation_cancel().';
    END IF;
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_ensure_source_serves(jsonb, text, text) IS
    'internal (relocation precondition): the source still serves the tenant';
REVOKE ALL ON FUNCTION wt_internal.relocation_ensure_source_serves(jsonb, text, text) FROM PUBLIC;
