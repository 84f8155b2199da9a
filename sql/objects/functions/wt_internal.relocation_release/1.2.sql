-- Cut-over, phase "release", after the source's commit: the source's slots
-- and publication first (its walsender is terminated), then the subscription
-- here, which can no longer receive anything.  Nothing here may undo the
-- switch: when the source cannot be reached, the subscription is only
-- disabled and detached, the record says so, and a second cut-over
-- finishes the release.  Returns whether the source was released.
CREATE FUNCTION wt_internal.relocation_release(connection_name text, reloc @extschema@.tenant_relocations,
                                               write_blocked interval)
    RETURNS boolean
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    problem text;
BEGIN
    BEGIN
        PERFORM wt_internal.remote_query($1, 'SELECT wt_internal.relocation_source_release($1::uuid, NULL, $2::interval)::text',
                                         ARRAY[$2.id::text, $3::text]);
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS problem = MESSAGE_TEXT;
    END;
    PERFORM wt_internal.relocation_drop_subscription($2.subscription_name, problem IS NULL);
    UPDATE @extschema@.tenant_relocations r
       SET write_blocked = COALESCE($3, r.write_blocked), updated_at = pg_catalog.now(),
           note = CASE WHEN problem IS NULL THEN r.note ELSE 'source not released: ' || problem END
     WHERE r.id = $2.id;
    IF problem IS NOT NULL THEN
        RAISE WARNING 'could not release replication slot "%" on instance "%": %', $2.slot_name, $2.source_instance, problem
            USING HINT = pg_catalog.format('Run SELECT * FROM wt_relocation_cutover(%L) again once "%s" is reachable '
                                           '(a forgotten slot keeps WAL forever).', $2.schema_name, $2.source_instance);
    END IF;
    RETURN problem IS NULL;
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_release(text, @extschema@.tenant_relocations, interval) IS
    'internal (relocation cut-over): drop the source''s slots and publication, then the subscription here';
REVOKE ALL ON FUNCTION wt_internal.relocation_release(text, @extschema@.tenant_relocations, interval) FROM PUBLIC;
