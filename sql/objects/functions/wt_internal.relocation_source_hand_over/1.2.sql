-- Source side of the switch, inside the frozen transaction the target holds
-- open: the registry row names the new home, the record is completed with the
-- cut-over's figures (a second cut-over reads them from here if the target's
-- transaction is lost).  Returns the status the tenant had.
CREATE FUNCTION wt_internal.relocation_source_hand_over(relocation uuid, target_instance text, figures jsonb)
    RETURNS text
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    tenant_schema text;
    prior text;
BEGIN
    SELECT r.schema_name INTO tenant_schema FROM @extschema@.tenant_relocations r
     WHERE r.id = $1 AND r.role = 'source' AND r.state = 'copying' FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'relocation % is not in progress on this instance', $1
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'It was cancelled here: cancel it on the target too.';
    END IF;
    prior := wt_internal.wt_relocation_hand_over(tenant_schema, $2);
    UPDATE @extschema@.tenant_relocations r
       SET state = 'completed', finished_at = pg_catalog.now(), updated_at = pg_catalog.now(), tenant_status = prior,
           caught_up_lsn = ($3->>'caught_up_lsn')::pg_lsn, lock_wait = ($3->>'lock_wait')::interval,
           catch_up = ($3->>'catch_up')::interval, verification = ($3->>'verification')::interval,
           tables = NULLIF($3->'tables', 'null'), sequences = NULLIF($3->'sequences', 'null')
     WHERE r.id = $1;
    RETURN prior;
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_source_hand_over(uuid, text, jsonb) IS
    'internal (relocation, on the source): hand the tenant over to the target in the frozen transaction';
REVOKE ALL ON FUNCTION wt_internal.relocation_source_hand_over(uuid, text, jsonb) FROM PUBLIC;
