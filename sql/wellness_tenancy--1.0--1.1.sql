\echo Use "ALTER EXTENSION wellness_tenancy UPDATE TO '1.1'" to load this file. \quit

-- wellness_tenancy 1.0 -> 1.1: the tenant template gains an index on
-- wellness_logs(log_date) (the wellness app's reports read logs by date
-- range) and employees.department (reports per department).
--
-- The change ships as a tenant migration, like the DBA's own.  This script
-- registers it and nothing more: applying it to every existing tenant inside
-- ALTER EXTENSION would take every tenant's locks in one transaction (out of
-- lock slots near 6,000 tenants, and traffic blocked meanwhile).  Tenants
-- created from now on get it at creation; existing tenants stay at their
-- version, served as before, until
--
--     CALL wt_run_migrations();
--
-- applies it batch by batch.  Both template versions are valid at once while
-- that runs: the index is invisible to queries, and the new column is
-- nullable, so the application reads it only where it exists (or after the
-- run finished; wt_tenant_drift() lists tenants still behind).
--
-- wellness_tenancy--1.1.sql, the script of a fresh 1.1 install, is the 1.0
-- script followed by this one, so fresh and upgraded installs run the same
-- statements.

-- The migration takes the next free version: 2 on a fresh install, above the
-- DBA's own migrations on an upgraded one (tenants record the highest version
-- they reached, so a migration can only be appended).
INSERT INTO @extschema@.tenant_migrations (version, description, ddl, shipped)
SELECT pg_catalog.max(version) + 1,
       'wellness_tenancy 1.1: index on wellness_logs(log_date), column employees.department',
       $ddl$
ALTER TABLE employees ADD COLUMN department varchar(100);
CREATE INDEX wellness_logs_log_date_idx ON wellness_logs (log_date);
$ddl$,
       true
FROM @extschema@.tenant_migrations;

-- Shipped migrations are numbered differently in a fresh and in an upgraded
-- install (above), and tenants' schema_version counts in the numbering of
-- the database they live in.  From 1.1 on, pg_dump therefore keeps every
-- migration row, shipped ones included, and a restore reconciles them with
-- the rows CREATE EXTENSION has just made (trigger below): the dumped
-- numbering wins.
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

-- Existing tenants are now behind: say so, and how to catch up.
DO $do$
DECLARE
    behind bigint;
    target integer;
BEGIN
    SELECT pg_catalog.max(m.version) INTO target FROM @extschema@.tenant_migrations m;
    SELECT pg_catalog.count(*) INTO behind FROM @extschema@.tenants t
     WHERE t.status <> 'relocated' AND COALESCE(t.schema_version, 0) < target;
    IF behind > 0 THEN
        RAISE WARNING 'wellness_tenancy 1.1: % existing tenant(s) are behind tenant migration %', behind, target
            USING HINT = 'CALL wt_run_migrations() applies it to them in batches; new tenants already get it.';
    END IF;
END
$do$;
