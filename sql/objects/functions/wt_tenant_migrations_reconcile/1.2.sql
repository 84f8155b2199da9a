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
CREATE OR REPLACE FUNCTION wt_internal.wt_tenant_migrations_reconcile()
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
REVOKE ALL ON FUNCTION wt_internal.wt_tenant_migrations_reconcile() FROM PUBLIC;
-- 1.2: moved to wt_internal (defined again here), with the comment 1.0 did not give it.
COMMENT ON FUNCTION wt_internal.wt_tenant_migrations_reconcile() IS
    'internal: BEFORE INSERT trigger on tenant_migrations that reconciles restored rows with the shipped ones';
