-- What a schema is made of (wt_tenant_structure), with the schema's own name
-- taken out: every "<schema>." in names and definitions becomes "@schema@.",
-- and views and functions are digested after that replacement, so that a
-- tenant schema compares equal to the template built in a scratch schema.
CREATE FUNCTION wt_internal.tenant_shape(schema_name text)
    RETURNS TABLE(object_kind text, object_name text, definition text)
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
AS $fn$
SELECT s.object_kind,
       pg_catalog.replace(s.object_name, pg_catalog.quote_ident($1) || '.', '@schema@.'),
       CASE s.object_kind
         WHEN 'view' THEN pg_catalog.md5(pg_catalog.replace(
             pg_catalog.pg_get_viewdef(pg_catalog.format('%I.%I', $1, s.object_name)::pg_catalog.regclass),
             pg_catalog.quote_ident($1) || '.', '@schema@.'))
         WHEN 'function' THEN pg_catalog.md5(pg_catalog.replace(
             pg_catalog.pg_get_functiondef(s.object_name::pg_catalog.regprocedure),
             pg_catalog.quote_ident($1) || '.', '@schema@.'))
         WHEN 'procedure' THEN pg_catalog.md5(pg_catalog.replace(
             pg_catalog.pg_get_functiondef(s.object_name::pg_catalog.regprocedure),
             pg_catalog.quote_ident($1) || '.', '@schema@.'))
         ELSE pg_catalog.replace(s.definition, pg_catalog.quote_ident($1) || '.', '@schema@.')
       END
  FROM @extschema@.wt_tenant_structure($1) s
$fn$;
COMMENT ON FUNCTION wt_internal.tenant_shape(text) IS
    'internal: a schema''s structure (wt_tenant_structure) with its own name taken out, comparable with the template';
REVOKE ALL ON FUNCTION wt_internal.tenant_shape(text) FROM PUBLIC;
