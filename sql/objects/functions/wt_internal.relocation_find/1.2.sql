-- Cut-over: the relocation of the tenant to this instance, locked.  Either
-- open (copying), or completed here but with its subscription still present:
-- the source could not be released at cut-over (it was unreachable), and a
-- second cut-over finishes that.
CREATE FUNCTION wt_internal.relocation_find(tenant_schema text)
    RETURNS @extschema@.tenant_relocations
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    reloc @extschema@.tenant_relocations;
BEGIN
    SELECT * INTO reloc FROM @extschema@.tenant_relocations r
     WHERE r.schema_name = $1 AND r.state = 'copying' FOR UPDATE;
    IF FOUND AND reloc.role = 'target' THEN
        RETURN reloc;
    END IF;
    IF NOT FOUND THEN
        SELECT * INTO reloc FROM @extschema@.tenant_relocations r
         WHERE r.schema_name = $1 AND r.state = 'completed' AND r.role = 'target'
           AND wt_internal.relocation_subscription_oid(r.subscription_name) IS NOT NULL
         ORDER BY r.finished_at DESC LIMIT 1 FOR UPDATE;
        IF FOUND THEN
            RETURN reloc;
        END IF;
    END IF;
    RAISE EXCEPTION 'no relocation of tenant "%" to this instance is in progress', $1
        USING ERRCODE = 'object_not_in_prerequisite_state',
              HINT = CASE WHEN reloc.role = 'source'
                          THEN 'This is the source: run wt_relocation_cutover() on the target, "' || reloc.target_instance || '".'
                          ELSE 'wt_relocation_status() shows relocations; wt_relocation_start() begins one.' END;
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_find(text) IS
    'internal (relocation cut-over): the open relocation of the tenant to this instance, or one left to release';
REVOKE ALL ON FUNCTION wt_internal.relocation_find(text) FROM PUBLIC;
