-- Registers DDL for tenant schemas as the next migration.  It is first tried
-- on a scratch copy of the template (rolled back), so that a migration that
-- cannot work is refused before any tenant sees it.  New tenants get it at
-- creation; CALL wt_run_migrations() applies it to the existing ones.
CREATE OR REPLACE FUNCTION @extschema@.wt_add_migration(version integer, description text, ddl text)
    RETURNS integer
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    latest integer;
    behind bigint;
BEGIN
    PERFORM @extschema@.wt_require_no_tenant_context('add a tenant migration');
    IF wt_add_migration.version IS NULL OR wt_add_migration.description IS NULL OR wt_add_migration.ddl IS NULL THEN
        RAISE EXCEPTION 'version, description and ddl of a tenant migration must not be NULL'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF pg_catalog.btrim(wt_add_migration.description) = '' THEN
        RAISE EXCEPTION 'the description of tenant migration % is empty', wt_add_migration.version
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Say what the migration changes; wt_migration_progress and tenant_migrations show it.';
    END IF;
    IF pg_catalog.btrim(wt_add_migration.ddl, E' \t\r\n;') = '' THEN
        RAISE EXCEPTION 'the DDL of tenant migration % is empty', wt_add_migration.version
            USING ERRCODE = 'invalid_parameter_value';
    END IF;

    -- One registration at a time; provisioning (which only reads the table)
    -- is not blocked.
    LOCK TABLE @extschema@.tenant_migrations IN SHARE ROW EXCLUSIVE MODE;
    SELECT pg_catalog.max(m.version) INTO latest FROM @extschema@.tenant_migrations m;
    IF wt_add_migration.version <= latest THEN
        RAISE EXCEPTION 'tenant migration version % is not above the latest version %', wt_add_migration.version, latest
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'Tenants record the highest version they have reached, so migrations only append.',
                  HINT = pg_catalog.format('Use version %s.', latest + 1);
    END IF;

    PERFORM wt_internal.wt_template_tables(NULL, wt_add_migration.ddl);

    INSERT INTO @extschema@.tenant_migrations (version, description, ddl, shipped)
    VALUES (wt_add_migration.version, wt_add_migration.description, wt_add_migration.ddl, false);

    SELECT pg_catalog.count(*) INTO behind FROM @extschema@.tenants t
     WHERE t.status <> 'relocated';
    RAISE NOTICE 'tenant migration % registered; % existing tenant(s) are behind it', wt_add_migration.version, behind
        USING HINT = 'New tenants are created with it; CALL wt_run_migrations() applies it to the existing ones.';
    RETURN wt_add_migration.version;
END
$fn$;
COMMENT ON FUNCTION @extschema@.wt_add_migration(integer, text, text) IS
    'register DDL for tenant schemas as the next tenant migration (tried on a scratch template first)';
