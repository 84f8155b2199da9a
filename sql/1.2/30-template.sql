
-- The default tenant template is the case study's (tenant migration 1), and
-- an extension update adds no column or index of its own to users' tenants:
-- template changes are the DBA's tenant migrations.  A pre-release 1.1 did
-- ship one (an index on wellness_logs(log_date) and employees.department);
-- the 1.1 script no longer does.  A database made by that pre-release keeps
-- the row, its number and every tenant's column, index and data, but the
-- migration becomes the DBA's own: pg_dump dumps it as theirs, new tenants of
-- that database keep getting it, and the DBA may take it back or revert it
-- like any of their migrations.  Nothing is dropped from any tenant.  The
-- DBA is told with a WARNING: PostgreSQL runs extension scripts with
-- client_min_messages at least WARNING, so a NOTICE would never be seen.
DO $template$
DECLARE
    handed @extschema@.tenant_migrations;
    reached bigint;
    latest integer;
    hint text;
BEGIN
    FOR handed IN
        UPDATE @extschema@.tenant_migrations m
           SET shipped = false
         WHERE m.shipped
           AND m.description = 'wellness_tenancy 1.1: index on wellness_logs(log_date), column employees.department'
        RETURNING m.*
    LOOP
        SELECT pg_catalog.count(*) INTO reached FROM @extschema@.tenants t
         WHERE t.schema_version >= handed.version;
        SELECT pg_catalog.max(m.version) INTO latest FROM @extschema@.tenant_migrations m;
        IF reached = 0 AND handed.version = latest THEN
            hint := pg_catalog.format(
                'No tenant has it yet: SELECT wt_remove_migration(%s) takes it back.', handed.version);
        ELSE
            hint := pg_catalog.format(
                '%s tenant(s) have it, so wt_remove_migration cannot take it back.  To take it out of tenants, register a migration that reverts it, '
                'e.g. SELECT wt_add_migration(%s, %L, %L), then CALL wt_run_migrations() (dropping the column deletes its data).',
                reached, latest + 1, 'drop department and the log_date index',
                'DROP INDEX wellness_logs_log_date_idx; ALTER TABLE employees DROP COLUMN department');
        END IF;
        RAISE WARNING 'wellness_tenancy 1.2: tenant migration % (index on wellness_logs(log_date), column employees.department) is now your own, no longer shipped with the extension',
            handed.version
            USING DETAIL = 'Tenants keep the column, the index and their data; new tenants of this database still get it; pg_dump dumps it as one of your migrations.',
                  HINT = hint;
    END LOOP;
END
$template$;

-- The same hand-over when a dump of such a database (made at 1.1) is
-- restored: CREATE EXTENSION installs 1.2, then the dumped rows are inserted
-- (COPY fires row triggers); the pre-release row arrives as the DBA's, so no
-- 1.2 database holds a tenant migration shipped by the extension other than
-- the case study's template.  Before tenant_migrations_reconcile (triggers
-- fire in name order), which then treats it as the DBA's row it now is.
CREATE SCHEMA IF NOT EXISTS wt_internal;
CREATE FUNCTION wt_internal.hand_over_prerelease_template()
    RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $fn$
BEGIN
    IF NEW.shipped
       AND NEW.description = 'wellness_tenancy 1.1: index on wellness_logs(log_date), column employees.department' THEN
        NEW.shipped := false;
        RAISE WARNING 'wellness_tenancy 1.2: tenant migration % (index on wellness_logs(log_date), column employees.department) is restored as your own, no longer shipped with the extension',
            NEW.version
            USING DETAIL = 'A pre-release 1.1 shipped it; tenants keep the column, the index and their data, and new tenants still get it.',
                  HINT = 'SELECT wt_remove_migration(version) takes it back while it is the latest and no tenant has it; otherwise register a migration that reverts it.';
    END IF;
    RETURN NEW;
END
$fn$;
COMMENT ON FUNCTION wt_internal.hand_over_prerelease_template() IS
    'internal: BEFORE INSERT trigger on tenant_migrations that restores the pre-release 1.1 template migration as the DBA''s';
REVOKE ALL ON FUNCTION wt_internal.hand_over_prerelease_template() FROM PUBLIC;
CREATE TRIGGER tenant_migrations_hand_over
    BEFORE INSERT ON @extschema@.tenant_migrations
    FOR EACH ROW EXECUTE FUNCTION wt_internal.hand_over_prerelease_template();
