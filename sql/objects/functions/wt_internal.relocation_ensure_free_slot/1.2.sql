-- Start: a free replication slot on the source.
CREATE FUNCTION wt_internal.relocation_ensure_free_slot(facts jsonb, source_instance text)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    IF ($1->>'replication_slots_used')::integer >= ($1->>'max_replication_slots')::integer THEN
        RAISE EXCEPTION 'instance "%" has no free replication slot', $2
            USING ERRCODE = 'configuration_limit_exceeded',
                  DETAIL = pg_catalog.format('max_replication_slots is %s, all in use.', $1->>'max_replication_slots'),
                  HINT = 'Raise max_replication_slots on the source (restart), or drop unused slots.';
    END IF;
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_ensure_free_slot(jsonb, text) IS
    'internal (relocation precondition): a free replication slot on the source';
REVOKE ALL ON FUNCTION wt_internal.relocation_ensure_free_slot(jsonb, text) FROM PUBLIC;
