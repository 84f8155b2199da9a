CREATE TRIGGER tenants_changed
    AFTER INSERT OR UPDATE OF schema_name, status, placement OR DELETE OR TRUNCATE ON @extschema@.tenants
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.wt_registry_changed();
