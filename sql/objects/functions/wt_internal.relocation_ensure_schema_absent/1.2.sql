-- Start, on the target: no schema of the tenant's name here.
CREATE FUNCTION wt_internal.relocation_ensure_schema_absent(tenant_schema text)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_namespace n WHERE n.nspname = $1) THEN
        RAISE EXCEPTION 'schema "%" already exists on this instance', $1
            USING ERRCODE = 'duplicate_schema',
                  DETAIL = 'The relocated tenant gets a schema of its own; an existing schema is never taken over.',
                  HINT = 'Drop or rename that schema first.';
    END IF;
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_ensure_schema_absent(text) IS
    'internal (relocation precondition): no schema of the tenant''s name on this instance';
REVOKE ALL ON FUNCTION wt_internal.relocation_ensure_schema_absent(text) FROM PUBLIC;
