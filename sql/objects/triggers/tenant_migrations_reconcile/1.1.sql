CREATE TRIGGER tenant_migrations_reconcile
    BEFORE INSERT ON @extschema@.tenant_migrations
    FOR EACH ROW EXECUTE FUNCTION @extschema@.wt_tenant_migrations_reconcile();
