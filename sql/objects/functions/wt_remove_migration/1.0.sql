-- Takes back the latest migration while no tenant has it yet (for instance
-- after it failed everywhere), so that a corrected one can be registered.
CREATE FUNCTION @extschema@.wt_remove_migration(version integer)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    migration @extschema@.tenant_migrations;
    latest integer;
    applied bigint;
BEGIN
    PERFORM @extschema@.wt_require_no_tenant_context('remove a tenant migration');
    LOCK TABLE @extschema@.tenant_migrations IN SHARE ROW EXCLUSIVE MODE;
    SELECT * INTO migration FROM @extschema@.tenant_migrations m WHERE m.version = wt_remove_migration.version;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'tenant migration % does not exist', wt_remove_migration.version
            USING ERRCODE = 'undefined_object';
    END IF;
    IF migration.shipped THEN
        RAISE EXCEPTION 'tenant migration % is shipped with the extension', wt_remove_migration.version
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Shipped migrations belong to the extension version; only the DBA''s own can be removed.';
    END IF;
    SELECT pg_catalog.max(m.version) INTO latest FROM @extschema@.tenant_migrations m;
    IF migration.version <> latest THEN
        RAISE EXCEPTION 'tenant migration % is not the latest (%)', wt_remove_migration.version, latest
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Only the latest migration can be removed: later ones were written against it.';
    END IF;
    -- Tenants that are being migrated hold their registry row: wait for them.
    PERFORM 1 FROM @extschema@.tenants t FOR SHARE;
    SELECT pg_catalog.count(*) INTO applied FROM @extschema@.tenants t
     WHERE t.schema_version >= migration.version;
    IF applied > 0 THEN
        RAISE EXCEPTION 'tenant migration % has been applied to % tenant(s)', wt_remove_migration.version, applied
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Register a new migration that reverts or corrects it instead.';
    END IF;
    DELETE FROM @extschema@.tenant_migrations m WHERE m.version = migration.version;
END
$fn$;
