-- Start: the same tenant migrations on both sides.  Returns the latest version.
CREATE FUNCTION wt_internal.relocation_ensure_same_migrations(facts jsonb, source_instance text)
    RETURNS integer
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    local_migrations jsonb;
    latest integer;
    problems text;
BEGIN
    SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_array(m.version, pg_catalog.md5(m.ddl)) ORDER BY m.version),
           pg_catalog.max(m.version)
      INTO local_migrations, latest
      FROM @extschema@.tenant_migrations m;
    IF local_migrations IS NOT DISTINCT FROM $1->'migrations' THEN
        RETURN latest;
    END IF;
    SELECT pg_catalog.string_agg(pg_catalog.format('migration %s %s', COALESCE(s.v, t.v),
               CASE WHEN s.v IS NULL THEN 'only here' WHEN t.v IS NULL THEN 'only on "' || $2 || '"'
                    ELSE 'differs' END), ', ' ORDER BY COALESCE(s.v, t.v))
      INTO problems
      FROM (SELECT (e->>0)::integer AS v, e->>1 AS digest FROM pg_catalog.jsonb_array_elements($1->'migrations') e) s
      FULL JOIN (SELECT (e->>0)::integer AS v, e->>1 AS digest FROM pg_catalog.jsonb_array_elements(local_migrations) e) t
        ON s.v = t.v
     WHERE s.v IS NULL OR t.v IS NULL OR s.digest <> t.digest;
    RAISE EXCEPTION 'tenant migrations differ between instance "%" and this one', $2
        USING ERRCODE = 'object_not_in_prerequisite_state',
              DETAIL = problems || '.',
              HINT = 'Register the same tenant migrations on both instances (same versions, same DDL).';
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_ensure_same_migrations(jsonb, text) IS
    'internal (relocation precondition): the same tenant migrations on both instances; returns the latest version';
REVOKE ALL ON FUNCTION wt_internal.relocation_ensure_same_migrations(jsonb, text) FROM PUBLIC;
