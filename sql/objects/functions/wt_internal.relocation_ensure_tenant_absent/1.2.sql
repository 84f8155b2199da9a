-- Start, on the target: the tenant has no registry row here.
CREATE FUNCTION wt_internal.relocation_ensure_tenant_absent(tenant_schema text)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    tenant jsonb;
BEGIN
    SELECT pg_catalog.to_jsonb(t) INTO tenant FROM @extschema@.tenants t WHERE t.schema_name = $1;
    IF tenant IS NOT NULL THEN
        RAISE EXCEPTION 'tenant "%" already exists on this instance ("%")', $1, wt_internal.wt_local_instance()
            USING ERRCODE = 'duplicate_object',
                  DETAIL = pg_catalog.format('Its registry row says status %s, placement %s.',
                                             tenant->>'status', COALESCE(tenant->>'placement', 'here')),
                  HINT = CASE WHEN tenant->>'status' = 'relocated'
                              THEN 'This is the copy left behind by an earlier relocation: drop it first with SELECT wt_drop_tenant(''' || $1 || ''');'
                              ELSE 'A tenant lives on one instance at a time; wt_tenant_directory() shows where.' END;
    END IF;
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_ensure_tenant_absent(text) IS
    'internal (relocation precondition): the tenant is not registered on this instance';
REVOKE ALL ON FUNCTION wt_internal.relocation_ensure_tenant_absent(text) FROM PUBLIC;
