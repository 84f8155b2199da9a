-- Target side of the switch, in the cut-over's transaction: stop
-- replicating (the slot stays on the source until it is released), set the
-- sequences, and make the tenant live here.
CREATE OR REPLACE FUNCTION wt_internal.wt_relocation_switch_target(schema_name text, subscription_name text,
                                                        tenant_status text, sequence_values jsonb)
    RETURNS integer
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    carried integer := 0;
    item record;
BEGIN
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_subscription s
                WHERE s.subname = $2
                  AND s.subdbid = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = current_database())) THEN
        -- Disabled and detached from its slot, DROP SUBSCRIPTION touches
        -- nothing remote and may run inside this transaction; it stops the
        -- apply worker at once.
        EXECUTE pg_catalog.format('ALTER SUBSCRIPTION %I DISABLE', $2);
        EXECUTE pg_catalog.format('ALTER SUBSCRIPTION %I SET (slot_name = NONE)', $2);
        EXECUTE pg_catalog.format('DROP SUBSCRIPTION %I', $2);
    END IF;
    FOR item IN
        SELECT * FROM pg_catalog.jsonb_to_recordset(COALESCE($4, '[]'::jsonb))
                 AS s(sequence_name text, last_value bigint, is_called boolean)
    LOOP
        PERFORM pg_catalog.setval(pg_catalog.format('%I.%I', $1, item.sequence_name)::pg_catalog.regclass,
                                  item.last_value, item.is_called);
        carried := carried + 1;
    END LOOP;
    UPDATE @extschema@.tenants t
       SET status = COALESCE($3, 'active'), placement = NULL, updated_at = pg_catalog.now()
     WHERE t.schema_name = $1;
    -- as wt_resume_tenant() does, unless it was suspended on the source too
    IF COALESCE($3, 'active') = 'active' THEN
        EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA %I TO %I', $1,
                                  pg_catalog.current_setting('wellness_tenancy.app_role'));
    END IF;
    RETURN carried;
END
$fn$;
-- 1.2: moved to wt_internal (defined again here), with the comment 1.0 did not give it.
COMMENT ON FUNCTION wt_internal.wt_relocation_switch_target(text, text, text, jsonb) IS
    'internal (relocation, target side): stop replicating, set sequences and make the tenant live here';
