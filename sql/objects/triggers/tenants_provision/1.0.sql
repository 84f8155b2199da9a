-- Provisioning: the case study's workflow (INSERT INTO tenants) and
-- wt_create_tenant() go through the same BEFORE INSERT trigger.
CREATE TRIGGER tenants_provision
    BEFORE INSERT ON @extschema@.tenants
    FOR EACH ROW EXECUTE FUNCTION @extschema@.wt_registry_provision();
