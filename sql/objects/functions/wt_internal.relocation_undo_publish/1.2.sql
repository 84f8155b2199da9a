-- Start failed after the source's record was made: release what it created
-- there (a WARNING with the command to run on the source when it cannot be
-- reached; a second start releases it too).
CREATE FUNCTION wt_internal.relocation_undo_publish(connection_name text, relocation uuid, tenant_schema text,
                                                    source_instance text)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    problem text;
BEGIN
    PERFORM wt_internal.remote_exec($1, 'RESET statement_timeout');
    PERFORM wt_internal.remote_query($1, 'SELECT wt_internal.relocation_source_release($1::uuid, ''cancelled'', NULL)::text',
                                     ARRAY[$2::text]);
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS problem = MESSAGE_TEXT;
    RAISE WARNING 'could not undo the relocation''s objects on instance "%": %', $4, problem
        USING HINT = pg_catalog.format('On "%s": SELECT wt_relocation_cancel(%L); (or start the relocation again)', $4, $3);
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_undo_publish(text, uuid, text, text) IS
    'internal (relocation start): after a failure, release the record, publication and slot on the source';
REVOKE ALL ON FUNCTION wt_internal.relocation_undo_publish(text, uuid, text, text) FROM PUBLIC;
