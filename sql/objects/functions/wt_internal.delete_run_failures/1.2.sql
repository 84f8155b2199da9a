-- Deleting (or truncating) migration runs deletes their failures, as the
-- foreign key's ON DELETE CASCADE did up to 1.1 (tenant_migration_failures/1.2.sql).
CREATE FUNCTION wt_internal.delete_run_failures() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog
    AS $fn$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        TRUNCATE @extschema@.tenant_migration_failures;
    ELSE
        DELETE FROM @extschema@.tenant_migration_failures f WHERE f.run_id = OLD.run_id;
    END IF;
    RETURN NULL;
END
$fn$;
COMMENT ON FUNCTION wt_internal.delete_run_failures() IS
    'trigger: the failures of deleted migration runs go with them';
REVOKE ALL ON FUNCTION wt_internal.delete_run_failures() FROM PUBLIC;
