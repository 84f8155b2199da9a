-- A dropped tenant's accepted drift goes with its registry row.
CREATE TRIGGER tenants_forget_accepted_drift AFTER DELETE ON @extschema@.tenants
    FOR EACH ROW EXECUTE FUNCTION wt_internal.forget_accepted_drift();
