-- Cut-over, phase "freeze the source": a transaction opened there locks every
-- table of the tenant IN EXCLUSIVE MODE (wt_relocation_freeze): writes wait,
-- reads go on, until that transaction ends.  Returns what freeze reports (the
-- WAL position every committed write of the tenant lies behind).
CREATE FUNCTION wt_internal.relocation_freeze_source(connection_name text, remote_schema text,
                                                     reloc @extschema@.tenant_relocations, lock_limit interval,
                                                     lag numeric)
    RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    frozen jsonb;
    problem text;
BEGIN
    RAISE NOTICE 'relocation of tenant "%": blocking writes on instance "%" (lag % bytes)', $3.schema_name,
        $3.source_instance, $5;
    PERFORM wt_internal.remote_exec($1, 'BEGIN');
    BEGIN
        frozen := wt_internal.remote_query($1, pg_catalog.format('SELECT wt_internal.wt_relocation_freeze($1, $2::integer)::text', $2),
                      ARRAY[$3.schema_name::text, ((EXTRACT(epoch FROM $4) * 1000)::bigint)::text])::jsonb;
    EXCEPTION WHEN lock_not_available THEN
        GET STACKED DIAGNOSTICS problem = PG_EXCEPTION_DETAIL;
        RAISE EXCEPTION 'could not block writes to tenant "%" on instance "%" within %', $3.schema_name,
                $3.source_instance, $4
            USING ERRCODE = 'lock_not_available',
                  DETAIL = COALESCE(problem || ' ', '') || 'Nothing was switched.',
                  HINT = 'Find it in pg_locks and pg_stat_activity on the source, then retry, or pass a longer lock_timeout.';
    END;
    IF (frozen->>'lock_attempts')::integer > 1 THEN
        RAISE NOTICE 'relocation of tenant "%": writes blocked after % attempts to lock its tables', $3.schema_name,
            frozen->>'lock_attempts';
    END IF;
    RETURN frozen;
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_freeze_source(text, text, @extschema@.tenant_relocations, interval, numeric) IS
    'internal (relocation cut-over): open the source''s transaction and block the tenant''s writes there';
REVOKE ALL ON FUNCTION wt_internal.relocation_freeze_source(text, text, @extschema@.tenant_relocations, interval, numeric) FROM PUBLIC;
