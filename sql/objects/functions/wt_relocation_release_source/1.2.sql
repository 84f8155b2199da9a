-- Source side, after cut-over or on cancel: drop the relocation's slot
-- (once its walsender has gone; a stuck one is terminated), the initial-copy
-- slots of the subscription, and the publication.  Idempotent.
CREATE OR REPLACE FUNCTION wt_internal.wt_relocation_release_source(slot_name text, publication_name text,
                                                         subscription_oid oid)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    slot record;
    waited integer;
BEGIN
    FOR slot IN
        SELECT s.slot_name FROM pg_catalog.pg_replication_slots s
         WHERE s.slot_name = $1
            OR ($3 IS NOT NULL AND s.slot_name LIKE 'pg\_' || $3 || '\_sync\_%')
    LOOP
        waited := 0;
        WHILE EXISTS (SELECT 1 FROM pg_catalog.pg_replication_slots s
                       WHERE s.slot_name = slot.slot_name AND s.active) LOOP
            IF waited >= 50 THEN  -- 5 s: its subscriber is gone, the walsender lingers
                PERFORM pg_catalog.pg_terminate_backend(s.active_pid)
                   FROM pg_catalog.pg_replication_slots s WHERE s.slot_name = slot.slot_name;
            END IF;
            PERFORM pg_catalog.pg_sleep(0.1);
            waited := waited + 1;
            IF waited > 150 THEN
                RAISE EXCEPTION 'replication slot "%" is still in use', slot.slot_name
                    USING ERRCODE = 'object_in_use';
            END IF;
        END LOOP;
        PERFORM pg_catalog.pg_drop_replication_slot(slot.slot_name);
    END LOOP;
    EXECUTE pg_catalog.format('DROP PUBLICATION IF EXISTS %I', $2);
END
$fn$;
-- 1.2: moved to wt_internal (defined again here), with the comment 1.0 did not give it.
COMMENT ON FUNCTION wt_internal.wt_relocation_release_source(text, text, oid) IS
    'internal (relocation, source side): drop the relocation''s slots and publication; idempotent';
