-- Registry changes reach the Citus workers (no-op without Citus); one trigger
-- per event, as transition tables require.
CREATE TRIGGER tenants_citus_sync_insert AFTER INSERT ON @extschema@.tenants
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION wt_internal.citus_sync_registry();
CREATE TRIGGER tenants_citus_sync_update AFTER UPDATE ON @extschema@.tenants
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION wt_internal.citus_sync_registry();
CREATE TRIGGER tenants_citus_sync_delete AFTER DELETE ON @extschema@.tenants
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION wt_internal.citus_sync_registry();
