-- Cut-over, phase "wait caught up": until the target has applied every change
-- made before the lock.  The walsender sends flushed WAL only: one
-- synchronous commit that writes a row (on a second connection, the flusher)
-- flushes the source's WAL past wanted_lsn.  The slot's confirmed position is
-- what the subscriber has applied and flushed.  Returns it.
CREATE FUNCTION wt_internal.relocation_wait_caught_up(flusher text, remote_schema text,
                                                      reloc @extschema@.tenant_relocations, wanted_lsn pg_lsn,
                                                      wait_limit interval)
    RETURNS pg_lsn
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    started timestamptz := pg_catalog.clock_timestamp();
    confirmed pg_lsn;
BEGIN
    PERFORM wt_internal.remote_exec($1, pg_catalog.format(
        'BEGIN; SET LOCAL synchronous_commit = on; '
        'UPDATE %s.tenant_relocations SET updated_at = pg_catalog.now() WHERE id = $1::uuid; COMMIT', $2),
        ARRAY[$3.id::text]);
    LOOP
        confirmed := wt_internal.remote_query($1,
            'SELECT confirmed_flush_lsn::text FROM pg_catalog.pg_replication_slots WHERE slot_name = $1',
            ARRAY[$3.slot_name])::pg_lsn;
        EXIT WHEN confirmed >= $4;
        IF pg_catalog.clock_timestamp() - started > $5 THEN
            RAISE EXCEPTION 'tenant "%" did not catch up within % while its writes were blocked', $3.schema_name, $5
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = pg_catalog.format('Applied up to %s of %s; writes resumed on the source, nothing was switched.',
                                                 confirmed, $4),
                      HINT = 'Check the subscription (wt_relocation_status) and retry.';
        END IF;
        PERFORM pg_catalog.pg_sleep(0.001);
    END LOOP;
    RETURN confirmed;
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_wait_caught_up(text, text, @extschema@.tenant_relocations, pg_lsn, interval) IS
    'internal (relocation cut-over): wait until the target applied every change made before the lock';
REVOKE ALL ON FUNCTION wt_internal.relocation_wait_caught_up(text, text, @extschema@.tenant_relocations, pg_lsn, interval) FROM PUBLIC;
