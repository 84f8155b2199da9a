-- Cut-over, phase "check preconditions": the source still serves the
-- tenant, the subscription is enabled and streaming every table, and this
-- instance is near the source.  Returns the lag in bytes.
CREATE FUNCTION wt_internal.relocation_check_cutover(connection_name text, reloc @extschema@.tenant_relocations,
                                                     source_row jsonb, wait_limit interval, started timestamptz)
    RETURNS numeric
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    PERFORM wt_internal.relocation_ensure_source_serves($3, $2.schema_name, $2.source_instance);
    PERFORM wt_internal.relocation_ensure_initial_copy_done(
        wt_internal.relocation_ensure_subscription_enabled($2.subscription_name, $2.schema_name), $2.schema_name);
    RETURN wt_internal.relocation_wait_near($1, $2, $4, $5);
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_check_cutover(text, @extschema@.tenant_relocations, jsonb, interval, timestamptz) IS
    'internal (relocation cut-over): the preconditions of the cut-over; returns the lag';
REVOKE ALL ON FUNCTION wt_internal.relocation_check_cutover(text, @extschema@.tenant_relocations, jsonb, interval, timestamptz) FROM PUBLIC;
