-- Differences between the structure of a tenant here and on the source.
CREATE OR REPLACE FUNCTION wt_internal.wt_structure_differences(schema_name text, source_structure jsonb)
    RETURNS TABLE(object_kind text, object_name text, difference text)
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
AS $fn$
WITH s AS (SELECT * FROM pg_catalog.jsonb_to_recordset($2) AS x(object_kind text, object_name text, definition text)),
     t AS (SELECT * FROM @extschema@.wt_tenant_structure($1))
SELECT COALESCE(s.object_kind, t.object_kind), COALESCE(s.object_name, t.object_name),
       CASE WHEN t.object_name IS NULL THEN 'only on the source'
            WHEN s.object_name IS NULL THEN 'only on the target'
            ELSE 'different definition' END
  FROM s FULL JOIN t ON s.object_kind = t.object_kind AND s.object_name = t.object_name
 WHERE s.object_name IS NULL OR t.object_name IS NULL OR s.definition IS DISTINCT FROM t.definition
 ORDER BY 1, 2
$fn$;
-- 1.2: moved to wt_internal (defined again here), with the comment 1.0 did not give it.
COMMENT ON FUNCTION wt_internal.wt_structure_differences(text, jsonb) IS
    'internal (relocation): differences between a tenant''s structure here and on the source';
