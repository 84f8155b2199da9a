-- Start, on the target: no relocation of the tenant open here.
CREATE FUNCTION wt_internal.relocation_ensure_none_here(tenant_schema text)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    IF EXISTS (SELECT 1 FROM @extschema@.tenant_relocations r WHERE r.schema_name = $1 AND r.state = 'copying') THEN
        RAISE EXCEPTION 'a relocation of tenant "%" is already in progress', $1
            USING ERRCODE = 'object_in_use',
                  HINT = 'SELECT * FROM wt_relocation_status(''' || $1 || '''); cancel it with wt_relocation_cancel().';
    END IF;
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_ensure_none_here(text) IS
    'internal (relocation precondition): no relocation of the tenant is open on this instance';
REVOKE ALL ON FUNCTION wt_internal.relocation_ensure_none_here(text) FROM PUBLIC;
