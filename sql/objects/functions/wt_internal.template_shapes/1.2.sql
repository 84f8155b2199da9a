-- The structure of the tenant template after each local tenant migration, as
-- {"version": [[kind, name, definition], ...]} (wt_internal.tenant_shape),
-- built like wt_internal.wt_template_tables() in a scratch schema inside a subtransaction
-- that is always rolled back.  A migration that fails raises its error.
CREATE FUNCTION wt_internal.template_shapes()
    RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    scratch text := 'wt_template_check_' || pg_catalog.pg_backend_pid();
    migration record;
    shapes jsonb := '{}';
BEGIN
    BEGIN
        EXECUTE pg_catalog.format('CREATE SCHEMA %I', scratch);
        PERFORM pg_catalog.set_config('search_path',
                                      pg_catalog.format('%I, pg_catalog, pg_temp', scratch), true);
        FOR migration IN
            SELECT m.version, m.ddl FROM @extschema@.tenant_migrations m ORDER BY m.version
        LOOP
            EXECUTE migration.ddl;
            shapes := shapes || pg_catalog.jsonb_build_object(migration.version::text,
                (SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_array(s.object_kind, s.object_name, s.definition)
                                                      ORDER BY s.object_kind, s.object_name), '[]')
                   FROM wt_internal.tenant_shape(scratch) s));
        END LOOP;
        RAISE EXCEPTION 'roll back the template build' USING ERRCODE = 'WT000';
    EXCEPTION
        WHEN SQLSTATE 'WT000' THEN
            NULL;
    END;
    RETURN shapes;
END
$fn$;
COMMENT ON FUNCTION wt_internal.template_shapes() IS
    'internal: the tenant template''s structure after each migration, built in a rolled-back scratch schema';
REVOKE ALL ON FUNCTION wt_internal.template_shapes() FROM PUBLIC;
