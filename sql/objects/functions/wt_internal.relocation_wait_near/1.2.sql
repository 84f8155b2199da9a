-- Cut-over, phase "check": wait (nothing blocked yet) until this instance is
-- within 1 MB of the source's WAL, or give up at the limit.  Returns the lag.
CREATE FUNCTION wt_internal.relocation_wait_near(connection_name text, reloc @extschema@.tenant_relocations,
                                                 wait_limit interval, started timestamptz)
    RETURNS numeric
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    lag numeric;
BEGIN
    LOOP
        lag := wt_internal.remote_query($1,
            'SELECT pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_insert_lsn(), confirmed_flush_lsn) '
            'FROM pg_catalog.pg_replication_slots WHERE slot_name = $1', ARRAY[$2.slot_name])::numeric;
        IF lag IS NULL THEN
            RAISE EXCEPTION 'replication slot "%" is missing on instance "%"', $2.slot_name, $2.source_instance
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      HINT = 'Cancel the relocation with wt_relocation_cancel() and start it again.';
        END IF;
        EXIT WHEN lag <= 1048576;
        IF pg_catalog.clock_timestamp() - $4 > $3 THEN
            RAISE EXCEPTION 'tenant "%" did not catch up within %', $2.schema_name, $3
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = pg_catalog.format('%s bytes of WAL still to apply; nothing was blocked or switched.', lag),
                      HINT = 'Retry later, or with a longer timeout; wt_relocation_status() shows apply errors.';
        END IF;
        PERFORM pg_catalog.pg_sleep(0.05);
    END LOOP;
    RETURN lag;
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_wait_near(text, @extschema@.tenant_relocations, interval, timestamptz) IS
    'internal (relocation cut-over): wait, blocking nothing, until the target is within 1 MB of the source';
REVOKE ALL ON FUNCTION wt_internal.relocation_wait_near(text, @extschema@.tenant_relocations, interval, timestamptz) FROM PUBLIC;
