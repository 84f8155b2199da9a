-- Source side: drops a relocation's slot and the initial-copy slots of its
-- subscription.  A walsender still attached (its subscriber is being switched
-- or cancelled) is terminated at once.  Idempotent.
CREATE FUNCTION wt_internal.relocation_drop_slots(slot_name text, subscription_oid oid)
    RETURNS integer
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    slot record;
    dropped integer := 0;
    waited integer;
BEGIN
    FOR slot IN
        SELECT s.slot_name FROM pg_catalog.pg_replication_slots s
         WHERE s.slot_name = $1 OR ($2 IS NOT NULL AND s.slot_name LIKE 'pg\_' || $2 || '\_sync\_%')
    LOOP
        waited := 0;
        WHILE EXISTS (SELECT 1 FROM pg_catalog.pg_replication_slots s WHERE s.slot_name = slot.slot_name AND s.active) LOOP
            PERFORM pg_catalog.pg_terminate_backend(s.active_pid)
               FROM pg_catalog.pg_replication_slots s WHERE s.slot_name = slot.slot_name AND s.active_pid IS NOT NULL;
            PERFORM pg_catalog.pg_sleep(0.02);
            waited := waited + 1;
            IF waited > 500 THEN
                RAISE EXCEPTION 'replication slot "%" is still in use', slot.slot_name
                    USING ERRCODE = 'object_in_use',
                          HINT = 'Its walsender did not end within 10 s: look at pg_stat_replication.';
            END IF;
        END LOOP;
        BEGIN
            PERFORM pg_catalog.pg_drop_replication_slot(slot.slot_name);
            dropped := dropped + 1;
        EXCEPTION WHEN undefined_object THEN
            NULL;  -- an initial-copy worker dropped its own slot meanwhile
        END;
    END LOOP;
    RETURN dropped;
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_drop_slots(text, oid) IS
    'internal (relocation, on the source): drop a relocation''s slot and its initial-copy slots';
REVOKE ALL ON FUNCTION wt_internal.relocation_drop_slots(text, oid) FROM PUBLIC;
