-- How the tenant's schema here differs from the other instance's, as one
-- line (NULL when identical).
CREATE FUNCTION wt_internal.relocation_structure_differences(connection_name text, remote_schema text, tenant_schema text)
    RETURNS text
    LANGUAGE sql
    SET search_path = pg_catalog, pg_temp
AS $fn$
SELECT pg_catalog.string_agg(pg_catalog.format('%s %s (%s)', d.object_kind, d.object_name, d.difference), ', ')
  FROM wt_internal.wt_structure_differences($3, wt_internal.relocation_remote_structure($1, $2, $3)) d
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_structure_differences(text, text, text) IS
    'internal (relocation): differences between the tenant''s schema here and on the other instance';
REVOKE ALL ON FUNCTION wt_internal.relocation_structure_differences(text, text, text) FROM PUBLIC;
