-- Start, phase "publication and slot on the source": the source's record and
-- publication (one remote transaction), then the logical slot.  Creating a
-- slot waits for every transaction running on the source: bounded to two
-- minutes.  Returns the slot's position.
CREATE FUNCTION wt_internal.relocation_publish(connection_name text, relocation uuid, tenant_schema text,
                                               source_instance text, self text, schema_version integer,
                                               object_name text)
    RETURNS text
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    slot_lsn text;
BEGIN
    PERFORM wt_internal.remote_exec($1, 'SET statement_timeout = ''2min''');
    PERFORM wt_internal.remote_query($1,
        'SELECT wt_internal.relocation_source_open($1::uuid, $2, $3, $4::integer, $5)::text',
        ARRAY[$2::text, $3, $5, $6::text, $7]);
    PERFORM wt_internal.relocation_boundary('start:source_opened');
    BEGIN
        slot_lsn := wt_internal.remote_query($1,
            'SELECT lsn::text FROM pg_catalog.pg_create_logical_replication_slot($1, ''pgoutput'')', ARRAY[$7]);
    EXCEPTION WHEN query_canceled THEN
        RAISE EXCEPTION 'creating the replication slot on instance "%" timed out', $4
            USING ERRCODE = 'query_canceled',
                  DETAIL = 'A new logical slot waits for every transaction running on the source to end.',
                  HINT = 'Look for long-running or idle-in-transaction sessions on the source (pg_stat_activity), then retry.';
    END;
    PERFORM wt_internal.remote_exec($1, 'RESET statement_timeout');
    RETURN slot_lsn;
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_publish(text, uuid, text, text, text, integer, text) IS
    'internal (relocation start): record, publication and slot on the source';
REVOKE ALL ON FUNCTION wt_internal.relocation_publish(text, uuid, text, text, text, integer, text) FROM PUBLIC;
