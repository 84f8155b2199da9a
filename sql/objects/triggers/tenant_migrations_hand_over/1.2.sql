-- Fires the function above before each INSERT into tenant_migrations (see there).
CREATE TRIGGER tenant_migrations_hand_over
    BEFORE INSERT ON @extschema@.tenant_migrations
    FOR EACH ROW EXECUTE FUNCTION wt_internal.hand_over_prerelease_template();
