-- Start: a free WAL sender on the source.
CREATE FUNCTION wt_internal.relocation_ensure_free_wal_sender(facts jsonb, source_instance text)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    IF ($1->>'wal_senders_used')::integer >= ($1->>'max_wal_senders')::integer THEN
        RAISE EXCEPTION 'instance "%" has no free WAL sender', $2
            USING ERRCODE = 'configuration_limit_exceeded',
                  DETAIL = pg_catalog.format('max_wal_senders is %s, all in use.', $1->>'max_wal_senders'),
                  HINT = 'Raise max_wal_senders on the source (restart).';
    END IF;
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_ensure_free_wal_sender(jsonb, text) IS
    'internal (relocation precondition): a free WAL sender on the source';
REVOKE ALL ON FUNCTION wt_internal.relocation_ensure_free_wal_sender(jsonb, text) FROM PUBLIC;
