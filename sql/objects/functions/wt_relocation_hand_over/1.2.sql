-- Source side of the switch, last step before the target's COMMIT of the
-- frozen transaction: the registry row now names the tenant's new home.
-- Returns the status the tenant had, which it keeps on the target.
CREATE OR REPLACE FUNCTION wt_internal.wt_relocation_hand_over(schema_name text, target_instance text)
    RETURNS text
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    prior text;
BEGIN
    -- wt_lock_tenant: the lock lifecycle changes and offboarding take
    prior := (@extschema@.wt_lock_tenant($1)).status;
    IF prior = 'relocated' THEN
        RAISE EXCEPTION 'tenant "%" is not served by this instance', $1
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    UPDATE @extschema@.tenants t SET status = 'relocated', placement = $2, updated_at = pg_catalog.now()
     WHERE t.schema_name = $1;
    RETURN prior;
END
$fn$;
-- 1.2: moved to wt_internal (defined again here), with the comment 1.0 did not give it.
COMMENT ON FUNCTION wt_internal.wt_relocation_hand_over(text, text) IS
    'internal (relocation, source side): record the tenant''s new home in this registry';
