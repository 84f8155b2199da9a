-- AFTER DELETE ON tenants: a dropped tenant's accepted drift goes with it, so
-- that a later tenant of the same schema name is checked afresh.
CREATE FUNCTION wt_internal.forget_accepted_drift()
    RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $fn$
BEGIN
    DELETE FROM @extschema@.tenant_drift_accepted a WHERE a.schema_name = OLD.schema_name;
    RETURN NULL;
END
$fn$;
COMMENT ON FUNCTION wt_internal.forget_accepted_drift() IS
    'internal: AFTER DELETE trigger on tenants that removes the dropped tenant''s accepted drift';
REVOKE ALL ON FUNCTION wt_internal.forget_accepted_drift() FROM PUBLIC;
