\echo Use "ALTER EXTENSION wellness_tenancy UPDATE TO '1.1'" to load this file. \quit

-- wellness_tenancy 1.0 -> 1.1: the dump and restore machinery of the tenant
-- migration ledger, and nothing else.  This update touches no tenant: the
-- tenant template stays the case study's (migration 1: its two tables, their
-- keys, ON DELETE CASCADE and the index on wellness_logs(employee_id)), and
-- every existing tenant stays exactly as it was, at the version it was.
-- Changes to the template are the DBA's own tenant migrations
-- (wt_add_migration, then CALL wt_run_migrations()); an extension update
-- adds no column or index of its own to users' tenants.
--
-- wellness_tenancy--1.1.sql, the script of a fresh 1.1 install, is the 1.0
-- script followed by this one, so fresh and upgraded installs run the same
-- statements.

-- Tenants' schema_version counts in the numbering of the database they live
-- in, and that numbering must survive a dump whatever the restoring version
-- ships.  From 1.1 on, pg_dump therefore keeps every migration row, shipped
-- ones included, and a restore reconciles them with the rows CREATE
-- EXTENSION has just made (trigger below): the dumped numbering wins.
SELECT pg_catalog.pg_extension_config_dump('@extschema@.tenant_migrations', '');

-- BEFORE INSERT on tenant_migrations.  A restore (pg_restore, psql < dump)
-- inserts the dumped rows into a table that CREATE EXTENSION has filled with
-- the shipped migrations in fresh-install numbering:
--  * a dumped shipped row identical to the one already there is skipped;
--  * a dumped row whose version is taken by a shipped row no tenant has
--    reached moves that shipped row to the end (it comes back at its dumped
--    version later in the restore, or, restoring an older dump, stays last
--    and is applied by wt_run_migrations);
--  * a dumped shipped row replaces the same shipped migration sitting at
--    another version that no tenant has reached.
-- A shipped migration that a tenant has reached is never renumbered; a
-- conflicting row then fails on the primary key, as without this trigger.
CREATE FUNCTION @extschema@.wt_tenant_migrations_reconcile()
    RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    existing @extschema@.tenant_migrations;
BEGIN
    SELECT * INTO existing FROM @extschema@.tenant_migrations m WHERE m.version = NEW.version;
    IF FOUND THEN
        IF existing.shipped AND NEW.shipped AND existing.ddl = NEW.ddl THEN
            RETURN NULL;
        END IF;
        IF existing.shipped
           AND NOT EXISTS (SELECT 1 FROM @extschema@.tenants t WHERE t.schema_version >= existing.version) THEN
            UPDATE @extschema@.tenant_migrations m
               SET version = (SELECT pg_catalog.max(m2.version) + 1 FROM @extschema@.tenant_migrations m2)
             WHERE m.version = existing.version;
        END IF;
    ELSIF NEW.shipped THEN
        DELETE FROM @extschema@.tenant_migrations m
         WHERE m.shipped AND m.ddl = NEW.ddl AND m.version <> NEW.version
           AND NOT EXISTS (SELECT 1 FROM @extschema@.tenants t WHERE t.schema_version >= m.version);
    END IF;
    RETURN NEW;
END
$fn$;
REVOKE ALL ON FUNCTION @extschema@.wt_tenant_migrations_reconcile() FROM PUBLIC;

CREATE TRIGGER tenant_migrations_reconcile
    BEFORE INSERT ON @extschema@.tenant_migrations
    FOR EACH ROW EXECUTE FUNCTION @extschema@.wt_tenant_migrations_reconcile();

-- No tenant is behind because of this update: it registers no tenant
-- migration.  Tenants that were behind on the DBA's own migrations before it
-- are still behind on them, as wt_tenant_drift() reports.
