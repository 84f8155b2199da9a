-- Source side, after cut-over or on cancel: the relocation's slots and
-- publication go; new_state (cancelled) is recorded when the relocation was
-- still open, write_blocked when given.  Idempotent: a second run after a
-- crash finishes the job.
CREATE FUNCTION wt_internal.relocation_source_release(relocation uuid, new_state text, write_blocked interval)
    RETURNS boolean
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    reloc @extschema@.tenant_relocations;
BEGIN
    SELECT * INTO reloc FROM @extschema@.tenant_relocations r WHERE r.id = $1 FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    PERFORM wt_internal.relocation_drop_slots(reloc.slot_name, reloc.subscription_oid);
    EXECUTE pg_catalog.format('DROP PUBLICATION IF EXISTS %I', reloc.publication_name);
    UPDATE @extschema@.tenant_relocations r
       SET state = CASE WHEN r.state = 'copying' AND $2 IS NOT NULL THEN $2 ELSE r.state END,
           finished_at = CASE WHEN r.state = 'copying' AND $2 IS NOT NULL THEN pg_catalog.now() ELSE r.finished_at END,
           write_blocked = COALESCE($3, r.write_blocked), updated_at = pg_catalog.now()
     WHERE r.id = $1;
    RETURN true;
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_source_release(uuid, text, interval) IS
    'internal (relocation, on the source): drop a relocation''s slots and publication; idempotent';
REVOKE ALL ON FUNCTION wt_internal.relocation_source_release(uuid, text, interval) FROM PUBLIC;
