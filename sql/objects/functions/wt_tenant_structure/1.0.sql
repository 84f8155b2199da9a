-- What a tenant schema is made of, one row per object, with a definition
-- that is equal on two instances exactly when the objects match: tables by
-- their columns (name, type, not null), indexes, constraints and triggers by
-- their definitions, views and functions by a digest of theirs.
CREATE FUNCTION @extschema@.wt_tenant_structure(schema_name text)
    RETURNS TABLE(object_kind text, object_name text, definition text)
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
AS $fn$
WITH nsp AS (SELECT n.oid FROM pg_catalog.pg_namespace n WHERE n.nspname = $1)
SELECT CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'partitioned table'
                      WHEN 'S' THEN 'sequence' WHEN 'v' THEN 'view'
                      WHEN 'm' THEN 'materialized view' WHEN 'f' THEN 'foreign table'
                      WHEN 'i' THEN 'index' WHEN 'I' THEN 'partitioned index'
                      WHEN 'c' THEN 'composite type' ELSE 'relation' END,
       c.relname::text,
       CASE c.relkind
         WHEN 'r' THEN
           (SELECT pg_catalog.string_agg(pg_catalog.format('%I %s%s', a.attname,
                       pg_catalog.format_type(a.atttypid, a.atttypmod),
                       CASE WHEN a.attnotnull THEN ' not null' ELSE '' END), ', ' ORDER BY a.attnum)
              FROM pg_catalog.pg_attribute a
             WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped)
           || CASE c.relpersistence WHEN 'u' THEN ' (unlogged)' ELSE '' END
         WHEN 'S' THEN (SELECT pg_catalog.format_type(s.seqtypid, NULL)
                          FROM pg_catalog.pg_sequence s WHERE s.seqrelid = c.oid)
         WHEN 'i' THEN pg_catalog.pg_get_indexdef(c.oid)
         WHEN 'v' THEN pg_catalog.md5(pg_catalog.pg_get_viewdef(c.oid))
       END
  FROM pg_catalog.pg_class c
 WHERE c.relnamespace = (SELECT oid FROM nsp)
UNION ALL
SELECT 'constraint', c.relname || '.' || k.conname, pg_catalog.pg_get_constraintdef(k.oid)
  FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
 WHERE c.relnamespace = (SELECT oid FROM nsp)
UNION ALL
SELECT 'trigger', c.relname || '.' || t.tgname, pg_catalog.pg_get_triggerdef(t.oid)
  FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
 WHERE c.relnamespace = (SELECT oid FROM nsp) AND NOT t.tgisinternal
UNION ALL
SELECT CASE p.prokind WHEN 'f' THEN 'function' WHEN 'p' THEN 'procedure'
                      WHEN 'a' THEN 'aggregate' ELSE 'window function' END,
       p.oid::pg_catalog.regprocedure::text,
       CASE WHEN p.prokind IN ('f', 'p') THEN pg_catalog.md5(pg_catalog.pg_get_functiondef(p.oid)) END
  FROM pg_catalog.pg_proc p
 WHERE p.pronamespace = (SELECT oid FROM nsp)
UNION ALL
SELECT 'type', pg_catalog.format_type(t.oid, NULL), t.typtype::text
  FROM pg_catalog.pg_type t
 WHERE t.typnamespace = (SELECT oid FROM nsp) AND t.typrelid = 0
   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type e WHERE e.typarray = t.oid)
$fn$;
