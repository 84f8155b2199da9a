-- Cut-over, phase "switch the target registry", in this instance's
-- transaction: the sequences set, the tenant active here (or kept suspended
-- if it was suspended on the source) with placement NULL, the app role's
-- USAGE back, the record completed with the figures.  The subscription is
-- left alone: dropping it clears its replication origin at once, not at
-- commit, and a rolled-back switch would then re-apply old changes
-- (relocation_release drops it once the source's slot is gone).
CREATE FUNCTION wt_internal.relocation_switch_target(reloc @extschema@.tenant_relocations, tenant_status text,
                                                     figures jsonb)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    item record;
BEGIN
    FOR item IN
        SELECT * FROM pg_catalog.jsonb_to_recordset(COALESCE(NULLIF($3->'sequences', 'null'), '[]'))
                 AS s(sequence_name text, last_value bigint, is_called boolean)
    LOOP
        PERFORM pg_catalog.setval(pg_catalog.format('%I.%I', $1.schema_name, item.sequence_name)::pg_catalog.regclass,
                                  item.last_value, item.is_called);
    END LOOP;
    UPDATE @extschema@.tenants t
       SET status = COALESCE($2, 'active'), placement = NULL, updated_at = pg_catalog.now()
     WHERE t.schema_name = $1.schema_name;
    -- as wt_resume_tenant() does, unless it was suspended on the source too
    IF COALESCE($2, 'active') = 'active' THEN
        EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA %I TO %I', $1.schema_name,
                                  pg_catalog.current_setting('wellness_tenancy.app_role'));
    END IF;
    UPDATE @extschema@.tenant_relocations r
       SET state = 'completed', finished_at = pg_catalog.now(), updated_at = pg_catalog.now(), tenant_status = $2,
           caught_up_lsn = ($3->>'caught_up_lsn')::pg_lsn, lock_wait = ($3->>'lock_wait')::interval,
           catch_up = ($3->>'catch_up')::interval, verification = ($3->>'verification')::interval,
           write_blocked = ($3->>'write_blocked')::interval,
           tables = NULLIF($3->'tables', 'null'), sequences = NULLIF($3->'sequences', 'null')
     WHERE r.id = $1.id;
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_switch_target(@extschema@.tenant_relocations, text, jsonb) IS
    'internal (relocation cut-over): make the tenant live here, with its sequences, and record the figures';
REVOKE ALL ON FUNCTION wt_internal.relocation_switch_target(@extschema@.tenant_relocations, text, jsonb) FROM PUBLIC;
