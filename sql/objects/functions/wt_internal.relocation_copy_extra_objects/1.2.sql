-- Start: the objects a DBA added to this tenant outside the migrations are
-- re-created here from the source's DDL (wt_tenant_ddl), in dependency order.
CREATE FUNCTION wt_internal.relocation_copy_extra_objects(connection_name text, remote_schema text, tenant_schema text)
    RETURNS integer
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    extras text[];
    statement record;
BEGIN
    SELECT pg_catalog.array_agg(d.object_kind || ' ' || d.object_name) INTO extras
      FROM wt_internal.wt_structure_differences($3, wt_internal.relocation_remote_structure($1, $2, $3)) d
     WHERE d.difference = 'only on the source';
    IF extras IS NULL THEN
        RETURN 0;
    END IF;
    RAISE NOTICE 'relocation of tenant "%": re-creating % object(s) the tenant template does not have: %',
        $3, pg_catalog.cardinality(extras), pg_catalog.array_to_string(extras, ', ');
    PERFORM pg_catalog.set_config('check_function_bodies', 'off', true);
    FOR statement IN
        SELECT * FROM pg_catalog.jsonb_to_recordset(wt_internal.remote_query($1, pg_catalog.format(
            'SELECT COALESCE(pg_catalog.jsonb_agg(d ORDER BY d.step), ''[]'')::text FROM %s.wt_tenant_ddl($1, $2::text[]) d', $2),
            ARRAY[$3, extras::text])::jsonb) AS x(step integer, object text, ddl text)
        ORDER BY step
    LOOP
        EXECUTE statement.ddl;
    END LOOP;
    PERFORM pg_catalog.set_config('check_function_bodies', 'on', true);
    RETURN pg_catalog.cardinality(extras);
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_copy_extra_objects(text, text, text) IS
    'internal (relocation start): re-create here the objects a DBA added to the tenant on the source';
REVOKE ALL ON FUNCTION wt_internal.relocation_copy_extra_objects(text, text, text) FROM PUBLIC;
