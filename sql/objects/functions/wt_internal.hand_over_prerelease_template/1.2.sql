-- The same hand-over when a dump of such a database (made at 1.1) is
-- restored: CREATE EXTENSION installs 1.2, then the dumped rows are inserted
-- (COPY fires row triggers); the pre-release row arrives as the DBA's, so no
-- 1.2 database holds a tenant migration shipped by the extension other than
-- the case study's template.  Before tenant_migrations_reconcile (triggers
-- fire in name order), which then treats it as the DBA's row it now is.
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
