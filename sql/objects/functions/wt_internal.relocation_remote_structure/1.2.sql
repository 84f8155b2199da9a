-- The structure of a tenant on the other instance (wt_tenant_structure), as jsonb.
CREATE FUNCTION wt_internal.relocation_remote_structure(connection_name text, remote_schema text, tenant_schema text)
    RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    RETURN wt_internal.remote_query($1,
        pg_catalog.format('SELECT COALESCE(pg_catalog.jsonb_agg(s), ''[]'')::text FROM %s.wt_tenant_structure($1) s', $2),
        ARRAY[$3])::jsonb;
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_remote_structure(text, text, text) IS
    'internal (relocation): wt_tenant_structure() of the tenant on the other instance';
REVOKE ALL ON FUNCTION wt_internal.relocation_remote_structure(text, text, text) FROM PUBLIC;
