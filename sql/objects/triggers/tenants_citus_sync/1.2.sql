-- Registry changes reach the Citus workers when the transaction commits
-- (no-op without Citus).
CREATE CONSTRAINT TRIGGER tenants_citus_sync AFTER INSERT OR UPDATE OR DELETE ON @extschema@.tenants
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION wt_internal.citus_sync_registry();
